using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;

namespace Matching.Service.Audit;

/// <summary>
/// Writes an <see cref="AuditEntry"/> for every event of every stream, asynchronously so no command
/// or read waits for it. The daemon hands events over in global sequence order, which is the order
/// the hash chain needs; the chain's end is the last entry's hash, carried through each batch in memory.
/// </summary>
public sealed partial class AuditProjection : EventProjection
{
    public const string ProjectionName = "AuditTrail";

    public AuditProjection()
    {
        Name = ProjectionName;
        Options.DeleteViewTypeOnTeardown<AuditEntry>();
    }

    /// <summary>
    /// Events a daemon batch takes when behind (a rebuild): larger than the report facts' batches, since each batch of the
    /// trail pays fixed costs of its own (the chain's end, the read-ahead queries, a COPY per document type, the commit).
    /// </summary>
    public const int BatchSize = 5_000;

    /// <summary>How many events one read-ahead covers: a whole batch.</summary>
    public const int ReadAhead = BatchSize;

    /// <summary>Each batch's state, by its session: released with it, and never shared by two batches.</summary>
    private readonly ConditionalWeakTable<IDocumentOperations, Batch> _batches = new();

    private static readonly JsonElement NoData = JsonElement.Parse("{}");

    public override async ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        var batch = await BatchForAsync(operations, e.Sequence, cancellation);
        var window = await batch.WindowForAsync(e.Sequence, cancellation);
        var data = window.Data.TryGetValue(e.Sequence, out var stored) && stored.ValueKind == JsonValueKind.Object ? stored : NoData;
        var actor = Actor.FromHeaders(e.Headers, e.UserName);
        var type = e.EventType.Name;
        // Derived again from the event by the integrity check and the verifier: one definition for all three.
        var labels = AuditLabels.Of(e.Data, e.StreamId);
        var subject = labels.ReferralId ?? e.StreamId;

        // A rebuild keeps the digests first computed: after erasure the salt is gone and the values masked.
        var digest = window.Digests.GetValueOrDefault(e.Sequence)
                     ?? await NewDigestAsync(batch, e.Sequence, subject, PersonalData.Of(type, e.EventTypeName), data, cancellation);

        var auditActor = new AuditActor(actor.Sub, actor.Name, actor.Role);
        var canonical = batch.Canonical.Write(e.Sequence, e.StreamId, type, e.EventTypeName, e.Timestamp, auditActor,
            e.CorrelationId, e.CausationId, data, digest?.Digests);
        var hash = batch.Canonical.Next(batch.Head, canonical);
        batch.Head = hash;

        // Inserts only: each event is projected once (a rebuild first deletes the entries), and a batch of
        // inserts lets the daemon's rebuild write them with COPY (see AuditModule).
        operations.Insert(new AuditEntry
        {
            Id = e.Sequence,
            StreamId = e.StreamId,
            ReferralId = labels.ReferralId,
            Kind = labels.Kind,
            Type = type,
            TypeAlias = e.EventTypeName,
            At = e.Timestamp,
            Actor = auditActor,
            ActorSub = actor.Sub,
            CorrelationId = e.CorrelationId,
            CausationId = e.CausationId,
            Summary = labels.Summary,
            Data = data,
            Hash = hash
        });

        if (e.Data is ClientDataErased)
        {
            await EraseAsync(operations, e.StreamId, cancellation);
            // Shredded: an event after this one gets a fresh salt, not the deleted one.
            batch.Salts[e.StreamId] = null;
        }
    }

    /// <summary>
    /// What one daemon batch (one session, one transaction) carries from event to event: the chain's end, so
    /// each event hashes onto the one before without a document read and written per event, and the salts
    /// this batch has read or made (null: known to be absent). A retried batch has a new session, so it starts
    /// again from what is committed and never sees a salt or hash it didn't store.
    /// </summary>
    private sealed class Batch(IDocumentOperations operations, string head)
    {
        public IDocumentOperations Operations { get; } = operations;
        public string Head { get; set; } = head;
        public Dictionary<Guid, DigestSalt?> Salts { get; } = new();
        /// <summary>Its buffers are reused from event to event: a batch applies one event after the other.</summary>
        public CanonicalWriter Canonical { get; } = new();
        private Window? _window;

        public async Task<Window> WindowForAsync(long sequence, CancellationToken cancellation)
        {
            if (_window is { } current && sequence >= current.From && sequence < current.To) return current;
            _window = await Window.ReadAsync(this, sequence, cancellation);
            return _window;
        }
    }

    private async Task<Batch> BatchForAsync(IDocumentOperations operations, long sequence, CancellationToken cancellation)
    {
        if (_batches.TryGetValue(operations, out var current)) return current;

        // The chain's end is the hash of the last entry committed before this batch ("" for the first).
        var head = await operations.Query<AuditEntry>()
            .Where(x => x.Id < sequence)
            .OrderByDescending(x => x.Id)
            .Select(x => x.Hash)
            .FirstOrDefaultAsync(cancellation);
        var batch = new Batch(operations, head ?? "");
        _batches.AddOrUpdate(operations, batch);
        return batch;
    }

    /// <summary>
    /// What the events of one stretch of the log need, read once instead of per event: the event's data exactly
    /// as the event table holds it (what the integrity check reads back: re-serializing the event object would
    /// not reproduce the stored JSON byte for byte), the digests a rebuild keeps, and the subjects' salts.
    /// </summary>
    private sealed record Window(long From, long To, Dictionary<long, JsonElement> Data, Dictionary<long, PersonalDataDigest> Digests)
    {
        public static async Task<Window> ReadAsync(Batch batch, long sequence, CancellationToken cancellation)
        {
            var operations = batch.Operations;
            var to = sequence + ReadAhead;
            var schema = operations.DocumentStore.Options.Events.DatabaseSchemaName;
            // One text column "seq_id stream_id data": Marten's SQL reader takes several columns only as nested rows.
            var lines = await operations.AdvancedSql.QueryAsync<string>(
                $"select seq_id::text || ' ' || stream_id::text || ' ' || data::text from {schema}.mt_events where seq_id >= ? and seq_id < ?",
                cancellation, sequence, to);
            var rows = lines.Select(line =>
            {
                var first = line.IndexOf(' ');
                var second = line.IndexOf(' ', first + 1);
                return (Sequence: long.Parse(line.AsSpan(0, first)), Stream: Guid.Parse(line.AsSpan(first + 1, second - first - 1)),
                    Data: JsonElement.Parse(line.AsSpan(second + 1)));
            }).ToList();
            var digests = await operations.Query<PersonalDataDigest>().Where(d => d.Id >= sequence && d.Id < to).ToListAsync(cancellation);
            var subjects = rows.Select(r => r.Stream).Distinct().Where(s => !batch.Salts.ContainsKey(s)).ToArray();
            if (subjects.Length > 0)
            {
                var salts = (await operations.LoadManyAsync<DigestSalt>(cancellation, subjects)).ToDictionary(x => x.Id);
                foreach (var subject in subjects) batch.Salts[subject] = salts.GetValueOrDefault(subject);
            }
            return new Window(sequence, to, rows.ToDictionary(r => r.Sequence, r => r.Data), digests.ToDictionary(d => d.Id));
        }
    }

    private static async Task<PersonalDataDigest?> NewDigestAsync(
        Batch batch, long sequence, Guid subject, PersonalShape? personal, JsonElement data, CancellationToken cancellation)
    {
        var values = (personal?.Fields ?? [])
            .Select(field => (path: field.Path.Text, value: field.Path.Get(data)))
            .Where(p => p.value is not null)
            .ToList();
        if (values.Count == 0) return null;

        var operations = batch.Operations;
        // Access events name a referral that is not their stream: its salt was not read ahead.
        if (!batch.Salts.TryGetValue(subject, out var salt))
            salt = await operations.LoadAsync<DigestSalt>(subject, cancellation);
        if (salt is null)
        {
            salt = new DigestSalt { Id = subject, Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
            KeptDocuments.Insert(operations, salt);
        }
        batch.Salts[subject] = salt;

        var key = Convert.FromBase64String(salt.Key);
        var digest = new PersonalDataDigest
        {
            Id = sequence,
            SubjectId = subject,
            Digests = values.ToDictionary(p => p.path, p => AuditChain.Digest(key, p.path, p.value!.Value))
        };
        KeptDocuments.Insert(operations, digest);
        return digest;
    }

    /// <summary>
    /// Masks the referral's audit rows as its events were masked (each in the shape it was stored in), and shreds the salt.
    /// Hashes stay: they cover the digests, not the values.
    /// </summary>
    private static async Task EraseAsync(IDocumentOperations operations, Guid referralId, CancellationToken cancellation)
    {
        var entries = await operations.Query<AuditEntry>().Where(x => x.ReferralId == referralId).ToListAsync(cancellation);
        foreach (var entry in entries)
        {
            if (PersonalData.Of(entry.Type, entry.TypeAlias) is not { } personal) continue;
            var data = JsonNode.Parse(entry.Data.GetRawText())!.AsObject();
            entry.Data = JsonSerializer.SerializeToElement(personal.Mask(data));
            operations.Store(entry);
        }
        KeptDocuments.Shred(operations, referralId);
    }
}

/// <summary>
/// Writes the digests and salts from outside <see cref="AuditProjection"/>: Marten's source generator registers every
/// document type the projection class itself stores as the projection's own, to be deleted when it is rebuilt. These
/// must outlive a rebuild (the salts of erased referrals are gone for good, so their digests can't be made again).
/// </summary>
internal static class KeptDocuments
{
    public static void Insert(IDocumentOperations operations, PersonalDataDigest digest) => operations.Insert(digest);

    public static void Insert(IDocumentOperations operations, DigestSalt salt) => operations.Insert(salt);

    public static void Shred(IDocumentOperations operations, Guid subject) => operations.Delete<DigestSalt>(subject);
}
