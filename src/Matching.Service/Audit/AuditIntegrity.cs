using System.Text.Json;
using System.Text.Json.Nodes;
using Marten;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Wolverine.Attributes;
using Wolverine.Http;

namespace Matching.Service.Audit;

public sealed record IntegrityMismatch(long Sequence, string Type, Guid StreamId, string Reason);

/// <summary>
/// <see cref="Checkpoint"/>: the latest signed checkpoint the chain held against, null when none was (or no key is configured).
/// <see cref="PendingCheckpoints"/>: checkpoints past the trail's progress, not checked yet (while it catches up or is rebuilt;
/// one that stays there names a sequence no event has).
/// </summary>
public sealed record IntegrityReport(
    bool Verified, long Checked, IntegrityMismatch? FirstMismatch, IntegrityCheckpoint? Checkpoint, int PendingCheckpoints);

/// <summary>
/// Recomputes the hash chain from the event rows as stored now (plus the kept digests) and compares
/// it with the hashes the audit projection stored, entry by entry, up to where the projection has
/// reached. Also recomputes each entry's hash from the audit row itself, and checks every personal
/// value against its digest (or, once erased, that it is masked), and what the entry shows besides the chain (kind, referral,
/// summary, the indexed copies the views query by) against what the event says. With a signing key configured, the
/// recomputed chain must also agree with every signed checkpoint it reaches, each following the one signed before it
/// (<see cref="CheckpointWalk"/>): someone who rewrites events and recomputes the stored hashes with SQL can't sign a new
/// checkpoint without the key.
/// </summary>
public static class AuditIntegrity
{
    private const int PageSize = 1_000;

    [WolverineGet("/api/audit/integrity"), Authorize(Policy = Policies.Audit), NonTransactional]
    [ProducesResponseType<IntegrityReport>(200)]
    public static async Task<IntegrityReport> Get(IDocumentStore store, AuditAnchor anchor, CancellationToken cancellation) =>
        await VerifyAsync(store, anchor.Key, cancellation);

    /// <summary>Without a key the checkpoints are not read: a hash nobody can show was signed proves nothing.</summary>
    public static async Task<IntegrityReport> VerifyAsync(IDocumentStore store, AuditSigningKey? key, CancellationToken cancellation)
    {
        var database = store.Storage.Database;
        var progress = (await database.AllProjectionProgress(cancellation))
            .Where(s => s.ShardName.StartsWith(AuditProjection.ProjectionName, StringComparison.Ordinal))
            .Select(s => s.Sequence).DefaultIfEmpty(0).Max();
        var schema = store.Options.Events.DatabaseSchemaName;
        var entryTable = store.Options.FindOrResolveDocumentType(typeof(AuditEntry)).TableName.QualifiedName;
        var serializer = store.Options.Serializer();

        await using var session = store.QuerySession();
        await using var connection = database.CreateConnection();
        await connection.OpenAsync(cancellation);

        var previous = "";
        var after = 0L;
        long checkedCount = 0;
        var walk = key is null ? null : new CheckpointWalk(key, complete: true);
        // Said rather than skipped: a checkpoint the walk doesn't reach is one nobody checked.
        var pending = key is null ? 0 : await session.Query<AuditCheckpoint>().CountAsync(x => x.Sequence > progress, cancellation);
        IntegrityReport Report(IntegrityMismatch? mismatch) =>
            new(mismatch is null, checkedCount, mismatch, walk?.LastGood is { } good ? IntegrityCheckpoint.Of(good) : null, pending);
        while (after < progress)
        {
            var rows = await ReadEventsAsync(connection, schema, after, progress, cancellation);
            var upTo = rows.Count == PageSize ? rows[^1].Sequence : progress;
            var entries = (await session.Query<AuditEntry>().Where(x => x.Id > after && x.Id <= upTo).ToListAsync(cancellation))
                .ToDictionary(x => x.Id);
            var indexed = await ReadIndexedAsync(connection, entryTable, after, upTo, cancellation);
            var digests = (await session.Query<PersonalDataDigest>().Where(x => x.Id > after && x.Id <= upTo).ToListAsync(cancellation))
                .ToDictionary(x => x.Id);
            walk?.Expect(await session.Query<AuditCheckpoint>().Where(x => x.Sequence > after && x.Sequence <= upTo)
                .OrderBy(x => x.Sequence).ToListAsync(cancellation));
            var subjects = digests.Values.Select(d => d.SubjectId).Distinct().ToArray();
            var salts = subjects.Length == 0
                ? new Dictionary<Guid, byte[]>()
                : (await session.LoadManyAsync<DigestSalt>(cancellation, subjects)).ToDictionary(s => s.Id, s => Convert.FromBase64String(s.Key));

            var orphan = entries.Keys.Except(rows.Select(r => r.Sequence)).Order().FirstOrDefault();
            foreach (var row in rows)
            {
                if (orphan != 0 && orphan < row.Sequence) return Report(Mismatch(entries[orphan], "audit entry without an event"));
                if (!entries.TryGetValue(row.Sequence, out var entry))
                    return Report(Mismatch(row, "no audit entry for this event"));

                var digest = digests.GetValueOrDefault(row.Sequence);
                var expected = AuditChain.Next(previous, AuditChain.Canonical(row, digest?.Digests));
                if (expected != entry.Hash) return Report(Mismatch(row, "event differs from its hash"));

                var fromEntry = new AuditFacts(entry.Id, entry.StreamId, entry.Type, entry.TypeAlias, entry.At, entry.Actor,
                    entry.CorrelationId, entry.CausationId, JsonNode.Parse(entry.Data.GetRawText())!.AsObject());
                if (AuditChain.Next(previous, AuditChain.Canonical(fromEntry, digest?.Digests)) != entry.Hash)
                    return Report(Mismatch(row, "audit entry differs from its hash"));

                var salt = digest is not null ? salts.GetValueOrDefault(digest.SubjectId) : null;
                if (!PersonalValuesMatch(row, digest, salt) || !PersonalValuesMatch(fromEntry, digest, salt))
                    return Report(Mismatch(row, "personal field differs from its digest"));
                if (Mislabelled(row, entry, indexed.GetValueOrDefault(row.Sequence), serializer) is { } mislabelled)
                    return Report(Mismatch(row, mislabelled));
                if (walk?.Step(row.Sequence, row.Type, row.StreamId, expected) is { } anchored) return Report(anchored);

                previous = entry.Hash;
                checkedCount++;
            }
            if (orphan != 0 && orphan > (rows.Count > 0 ? rows[^1].Sequence : after))
                return Report(Mismatch(entries[orphan], "audit entry without an event"));
            after = upTo;
        }

        return Report(walk?.Finish(progress));
    }

    private static bool PersonalValuesMatch(AuditFacts facts, PersonalDataDigest? digest, byte[]? salt)
    {
        foreach (var field in PersonalData.Of(facts.Type, facts.TypeAlias)?.Fields ?? [])
        {
            var value = field.Path.Get(facts.Data);
            if (value is null) continue;
            if (digest is null || !digest.Digests.TryGetValue(field.Path.Text, out var stored)) return false;
            // Salt shredded: the value can no longer be checked against the digest, only that it stayed erased.
            var ok = salt is null ? field.IsErased(value) : AuditChain.Digest(salt, field.Path.Text, value) == stored;
            if (!ok) return false;
        }
        return true;
    }

    /// <summary>The copies the audit views query by (per referral, per user, by time), as the entry's table holds them.</summary>
    private sealed record Indexed(Guid? ReferralId, string? ActorSub, DateTimeOffset At);

    /// <summary>
    /// What the entry shows besides the chain, against what the chain vouches for: its labels derived again from the event
    /// (<see cref="AuditLabels"/>), and the indexed copies of its referral, actor and time.
    /// </summary>
    private static string? Mislabelled(AuditFacts row, AuditEntry entry, Indexed? indexed, ISerializer serializer)
    {
        if (AuditLabels.Read(row.Type, row.TypeAlias, row.Data.ToJsonString(), row.StreamId, serializer) is not { } labels)
            return $"event data does not read as a {row.Type}";
        return labels.Differs(entry.Kind, entry.ReferralId, entry.Summary) is { } label ? $"audit entry's {label} differs from its event"
            : entry.ActorSub != entry.Actor.Sub ? "audit entry's actorSub differs from its actor"
            : indexed is null ? "audit entry's row can't be read"
            : indexed.ReferralId != labels.ReferralId ? "audit entry's indexed referral_id differs from its event"
            : indexed.ActorSub != entry.Actor.Sub ? "audit entry's indexed actor_sub differs from its actor"
            // Microseconds: what the chain covers and PostgreSQL keeps.
            : AuditChain.Instant(indexed.At) != AuditChain.Instant(entry.At) ? "audit entry's indexed at differs from its time"
            : null;
    }

    private static async Task<Dictionary<long, Indexed>> ReadIndexedAsync(
        NpgsqlConnection connection, string table, long after, long upTo, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(
            $"select id, referral_id, actor_sub, at from {table} where id > @after and id <= @upTo", connection);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("upTo", upTo);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        var rows = new Dictionary<long, Indexed>();
        while (await reader.ReadAsync(cancellation))
        {
            rows[reader.GetInt64(0)] = new Indexed(reader.IsDBNull(1) ? null : reader.GetGuid(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3));
        }
        return rows;
    }

    private static IntegrityMismatch Mismatch(AuditFacts row, string reason) => new(row.Sequence, row.Type, row.StreamId, reason);

    private static IntegrityMismatch Mismatch(AuditEntry entry, string reason) => new(entry.Id, entry.Type, entry.StreamId, reason);

    /// <summary>The event rows exactly as stored, not through Marten's deserializer, so any edit shows.</summary>
    private static async Task<List<AuditFacts>> ReadEventsAsync(
        NpgsqlConnection connection, string schema, long after, long upTo, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand($"""
            select seq_id, stream_id, type, mt_dotnet_type, timestamp, data::text, headers::text,
                   correlation_id, causation_id, user_name
            from {schema}.mt_events where seq_id > @after and seq_id <= @upTo order by seq_id limit {PageSize}
            """, connection);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("upTo", upTo);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        var rows = new List<AuditFacts>();
        while (await reader.ReadAsync(cancellation))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            var headers = Text(6) is { } h
                ? JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(h)?.ToDictionary(p => p.Key, p => (object)p.Value)
                : null;
            var actor = Actor.FromHeaders(headers, Text(9));
            var data = Text(5) is { } d && JsonNode.Parse(d) is JsonObject obj ? obj : new JsonObject();
            rows.Add(new AuditFacts(reader.GetInt64(0), reader.GetGuid(1), EventVersions.ClrName(Text(3)), Text(2) ?? "",
                reader.GetFieldValue<DateTimeOffset>(4), new AuditActor(actor.Sub, actor.Name, actor.Role),
                Text(7), Text(8), data));
        }
        return rows;
    }
}
