using System.Text.Json;
using Marten;
using Matching.Service.Infrastructure;

namespace Matching.Service.Audit;

/// <summary>
/// `verify-audit --export audit.ndjson --checkpoints checkpoints.json [--checkpoints saved.json ...] --public-key audit-public.pem`:
/// checks an NDJSON export of the whole trail (<c>GET /api/audit/export?format=ndjson</c>) against the signed checkpoints
/// (<c>GET /api/audit/checkpoints</c>) with nothing but the public key: no database, no service, no secret. The first
/// <c>--checkpoints</c> is the list saved with the export; any further ones are lists saved earlier (or merged into one file),
/// whose checkpoints the first must still hold: a tail of checkpoints deleted inside the database shows against them.
/// Exit 0 verified, 1 not verified, 2 bad usage.
/// </summary>
public static class AuditVerifyCommand
{
    public const int Verified = 0, NotVerified = 1, BadUsage = 2;

    /// <summary>How many list findings are printed beyond the first; the rest are counted.</summary>
    private const int FindingsShown = 5;

    public static int Run(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        string? exportPath = null, publicKeyPath = null;
        var checkpointsPaths = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--export" when value is not null: exportPath = value; i++; break;
                case "--checkpoints" when value is not null: checkpointsPaths.Add(value); i++; break;
                case "--public-key" when value is not null: publicKeyPath = value; i++; break;
                default:
                    error.WriteLine($"Unknown or malformed argument '{args[i]}'.");
                    return Usage(error);
            }
        }
        if (exportPath is null || checkpointsPaths.Count == 0 || publicKeyPath is null) return Usage(error);
        foreach (var path in checkpointsPaths.Prepend(exportPath).Append(publicKeyPath).Where(p => !File.Exists(p)))
        {
            error.WriteLine($"No file at '{path}'.");
            return BadUsage;
        }

        AuditSigningKey key;
        var lists = new List<CheckpointFile>();
        try
        {
            key = AuditSigningKey.FromPem(File.ReadAllText(publicKeyPath), requirePrivateKey: false, $"--public-key ('{publicKeyPath}')");
        }
        catch (InvalidOperationException e)
        {
            error.WriteLine(e.Message);
            return BadUsage;
        }
        using (key)
        {
            foreach (var path in checkpointsPaths)
            {
                try
                {
                    var list = JsonSerializer.Deserialize<AuditCheckpointList>(File.ReadAllText(path), AuditExport.Json) ?? throw new JsonException("null");
                    lists.Add(new CheckpointFile(path, list.KeyId, list.Items ?? []));
                }
                catch (JsonException e)
                {
                    error.WriteLine($"--checkpoints ('{path}') is not the JSON answer of GET /api/audit/checkpoints: {e.Message}");
                    return BadUsage;
                }
            }
            foreach (var listed in lists.Select(l => l.KeyId).OfType<string>().Distinct().Where(k => k != key.KeyId))
                output.WriteLine($"note: the checkpoints name key {listed}; --public-key is key {key.KeyId}.");

            var (checkpoints, conflict) = Union(lists);
            if (conflict is not null)
                return Verdict(output, key, new CheckpointWalk(key, complete: false), 0, 0, Unplaced(conflict), []);

            var walk = new CheckpointWalk(key, complete: false);
            walk.Expect(checkpoints);
            var (entries, last, mismatch) = Walk(exportPath, walk, StoreSerializer());
            if (mismatch is null && walk.Verified == 0)
                mismatch = Unplaced("no signed checkpoint covers the export: its chain is consistent but not anchored");
            return Verdict(output, key, walk, entries, last, mismatch, Missing(lists));
        }
    }

    private sealed record CheckpointFile(string Path, string? KeyId, IReadOnlyList<AuditCheckpoint> Items);

    /// <summary>
    /// Every checkpoint of every list once, in sequence order. The same sequence twice is fine when it is the same checkpoint (lists
    /// overlap, merged files repeat); two different checkpoints of one sequence mean one was replaced.
    /// </summary>
    private static (List<AuditCheckpoint> Checkpoints, string? Conflict) Union(List<CheckpointFile> lists)
    {
        var union = new SortedDictionary<long, (AuditCheckpoint Checkpoint, string Path)>();
        foreach (var list in lists)
        {
            foreach (var checkpoint in list.Items)
            {
                if (!union.TryGetValue(checkpoint.Sequence, out var seen)) union[checkpoint.Sequence] = (checkpoint, list.Path);
                else if (!Same(seen.Checkpoint, checkpoint))
                    return ([], $"the checkpoint at sequence {checkpoint.Sequence} in '{list.Path}' differs from the one in '{seen.Path}'");
            }
        }
        return (union.Values.Select(v => v.Checkpoint).ToList(), null);
    }

    private static bool Same(AuditCheckpoint a, AuditCheckpoint b) =>
        AuditSigningKey.SignedText(a) == AuditSigningKey.SignedText(b) && a.Signature == b.Signature && a.KeyId == b.KeyId;

    /// <summary>
    /// Checkpoints of the lists saved earlier that the list saved with the export (the first) no longer holds. One older than its
    /// oldest doesn't count (a list is a page of the newest); one within its span or after it does.
    /// </summary>
    private static List<string> Missing(List<CheckpointFile> lists)
    {
        var current = lists[0];
        var held = current.Items.Select(c => c.Sequence).ToHashSet();
        var from = held.Count == 0 ? long.MinValue : held.Min();
        return lists.Skip(1)
            .SelectMany(saved => saved.Items.Where(c => c.Sequence >= from && !held.Contains(c.Sequence)).Select(c => (c.Sequence, saved.Path)))
            .DistinctBy(m => m.Sequence)
            .OrderBy(m => m.Sequence)
            .Select(m => $"the checkpoint at sequence {m.Sequence} in '{m.Path}' is missing from '{current.Path}', the list saved with the export")
            .ToList();
    }

    /// <summary>The store's own serializer, configured as the service configures it, without a database: what the projection read events with.</summary>
    private static ISerializer StoreSerializer() =>
        MartenSetup.ConfigureStore(new StoreOptions(), "Host=localhost", new MatchingOptions(), applySchema: false).Serializer();

    /// <summary>Recomputes the chain and each entry's labels line by line (in constant memory) and holds it against the checkpoints.</summary>
    private static (long Entries, long Last, IntegrityMismatch? Mismatch) Walk(string exportPath, CheckpointWalk walk, ISerializer serializer)
    {
        var canonical = new CanonicalWriter();
        var previous = "";
        var last = 0L;
        long entries = 0, lineNumber = 0;
        foreach (var line in File.ReadLines(exportPath))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var row = Read(line);
            if (row is null)
                return (entries, last, new IntegrityMismatch(last + 1, "", Guid.Empty,
                    $"line {lineNumber} is not an exported entry with typeAlias and digests (an export made by this version)"));
            if (row.Sequence <= last)
                return (entries, last, new IntegrityMismatch(row.Sequence, row.Type, row.StreamId, $"line {lineNumber} is out of sequence order"));

            var hash = canonical.Next(previous, canonical.Write(row.Sequence, row.StreamId, row.Type, row.TypeAlias, row.At, row.Actor,
                row.CorrelationId, row.CausationId, row.Data, row.Digests));
            var reason = hash != row.Hash
                ? entries == 0
                    ? "exported entry differs from its hash (is the export the whole trail, from the first entry?)"
                    : "exported entry differs from its hash"
                : AuditLabels.Read(row.Type, row.TypeAlias, row.Data.GetRawText(), row.StreamId, serializer) is not { } labels
                    ? $"exported entry's data does not read as a {row.Type}"
                    : labels.Differs(row.Kind, row.ReferralId, row.Summary) is { } label
                        ? $"exported entry's {label} differs from its event"
                        : null;
            if (reason is not null) return (entries, last, new IntegrityMismatch(row.Sequence, row.Type, row.StreamId, reason));
            if (walk.Step(row.Sequence, row.Type, row.StreamId, hash) is { } mismatch) return (entries, last, mismatch);

            previous = hash;
            last = row.Sequence;
            entries++;
        }
        return (entries, last, walk.Finish(last));
    }

    private static AuditExportRow? Read(string line)
    {
        try
        {
            var row = JsonSerializer.Deserialize<AuditExportRow>(line, AuditExport.Json);
            // Every part of the canonical form must be there: a missing one can't be told from a removed one.
            return row is { Type: not null, TypeAlias: not null, Hash: not null, Actor: { Sub: not null, Name: not null, Role: not null } }
                   && row.Data.ValueKind == JsonValueKind.Object
                ? row
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IntegrityMismatch Unplaced(string reason) => new(0, "", Guid.Empty, reason);

    private static int Verdict(TextWriter output, AuditSigningKey key, CheckpointWalk walk, long entries, long last, IntegrityMismatch? mismatch,
        List<string> missing)
    {
        var anchored = walk.LastGood is { } good
            ? $"{walk.Verified} checkpoint(s) verified with key {key.KeyId}, the latest at sequence {good.Sequence} signed {AuditChain.Instant(good.At)}"
            : $"no checkpoint verified with key {key.KeyId}";
        var findings = missing;
        if (mismatch is null && missing.Count > 0)
        {
            mismatch = Unplaced(missing[0]);
            findings = missing[1..];
        }
        if (mismatch is not null)
        {
            var where = mismatch.Sequence == 0 ? "" : $"entry {mismatch.Sequence}"
                + (mismatch.Type.Length > 0 ? $" ({mismatch.Type}, stream {mismatch.StreamId})" : "") + ": ";
            output.WriteLine($"NOT VERIFIED: {where}{mismatch.Reason}.");
            foreach (var finding in findings.Take(FindingsShown)) output.WriteLine($"Also: {finding}.");
            if (findings.Count > FindingsShown) output.WriteLine($"Also: {findings.Count - FindingsShown} more checkpoint(s) missing the same way.");
            output.WriteLine($"{entries} entries checked; {anchored}.");
            return NotVerified;
        }

        output.WriteLine($"VERIFIED: {entries} entries checked; {anchored}.");
        var notes = new List<string>();
        if (walk.LastGood!.Sequence < last) notes.Add($"the entries after sequence {walk.LastGood.Sequence} are chained but not yet anchored");
        if (walk.Beyond > 0) notes.Add($"{walk.Beyond} checkpoint(s) lie beyond the export");
        if (walk.Unlinked > 0)
            notes.Add($"{walk.Unlinked} checkpoint(s) follow one that no list holds, so those links were not checked (lists saved earlier fill them in)");
        if (notes.Count > 0) output.WriteLine(string.Join("; ", notes) + ".");
        output.WriteLine("Covered: each entry's sequence, stream, type, time, actor, correlation, causation and data (personal fields as "
                         + "their digests), chained; its kind, referral and summary, derived again from those.");
        output.WriteLine("Not covered: personal values. The chain holds their salted digests and the salts stay in the service, so "
                         + "the values beside them in this export are its word only; GET /api/audit/integrity checks them against their digests.");
        return Verified;
    }

    private static int Usage(TextWriter error)
    {
        error.WriteLine("usage: verify-audit --export audit.ndjson --checkpoints checkpoints.json [--checkpoints saved.json ...] --public-key audit-public.pem");
        error.WriteLine("  audit.ndjson: GET /api/audit/export?format=ndjson (the whole trail); checkpoints.json: GET /api/audit/checkpoints,");
        error.WriteLine("  saved with the export; saved.json: lists saved earlier (several files, or merged into one), which it must still hold");
        return BadUsage;
    }
}
