using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Projections;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;

namespace Matching.Service.Audit;

/// <summary>
/// Writes an <see cref="AuditEntry"/> for every event of every stream, asynchronously so no command
/// or read waits for it. A plain Marten <see cref="IProjection"/>: the daemon hands it each batch whole (one session,
/// one transaction, events in global sequence order, the order the hash chain needs), so what a batch carries from
/// event to event (the chain's end, the salts it has read) lives in that batch and nowhere else.
/// </summary>
public sealed class AuditProjection : IProjection
{
    public const string ProjectionName = "AuditTrail";

    /// <summary>
    /// Events a daemon batch takes when behind (a rebuild): larger than the report facts' batches, since each batch of the
    /// trail pays fixed costs of its own (the chain's end, the read-ahead queries, a COPY per document type, the commit).
    /// </summary>
    public const int BatchSize = 5_000;

    /// <summary>How many events one read-ahead covers: a whole batch.</summary>
    public const int ReadAhead = BatchSize;

    /// <summary>
    /// Asynchronous, under its own name. A rebuild deletes the entries only: the digests and salts the projection also
    /// writes must outlive it (the salts of erased referrals are gone for good, so their digests can't be made again),
    /// and a projection registered this way declares for deletion exactly what it is told to, nothing it stores.
    /// </summary>
    public static void Register(StoreOptions opts) =>
        opts.Projections.Add(new AuditProjection(), ProjectionLifecycle.Async, ProjectionName, options =>
        {
            options.BatchSize = BatchSize;
            options.DeleteViewTypeOnTeardown<AuditEntry>();
        });

    private static readonly JsonElement NoData = JsonElement.Parse("{}");

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        if (events.Count == 0) return;
        var batch = await Batch.StartAsync(operations, events[0].Sequence, cancellation);
        foreach (var e in events) await ApplyAsync(batch, e, cancellation);
    }

    private static async Task ApplyAsync(Batch batch, IEvent e, CancellationToken cancellation)
    {
        var operations = batch.Operations;
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
    /// this batch has read or made (null: known to be absent). A retried batch is handed over again and starts
    /// again from what is committed, so it never sees a salt or hash it didn't store.
    /// </summary>
    private sealed class Batch(IDocumentOperations operations, string head)
    {
        public IDocumentOperations Operations { get; } = operations;
        public string Head { get; set; } = head;
        public Dictionary<Guid, DigestSalt?> Salts { get; } = new();
        /// <summary>Its buffers are reused from event to event: a batch applies one event after the other.</summary>
        public CanonicalWriter Canonical { get; } = new();
        private Window? _window;

        /// <summary>The chain's end is the hash of the last entry committed before this batch ("" for the first).</summary>
        public static async Task<Batch> StartAsync(IDocumentOperations operations, long firstSequence, CancellationToken cancellation)
        {
            var head = await operations.Query<AuditEntry>()
                .Where(x => x.Id < firstSequence)
                .OrderByDescending(x => x.Id)
                .Select(x => x.Hash)
                .FirstOrDefaultAsync(cancellation);
            return new Batch(operations, head ?? "");
        }

        public async Task<Window> WindowForAsync(long sequence, CancellationToken cancellation)
        {
            if (_window is { } current && sequence >= current.From && sequence < current.To) return current;
            _window = await Window.ReadAsync(this, sequence, cancellation);
            return _window;
        }
    }

    /// <summary>
    /// What the events of one stretch of the log need, read once instead of per event: the event's data exactly
    /// as the event table holds it (<see cref="StoredEvents"/>), the digests a rebuild keeps, and the subjects' salts.
    /// </summary>
    private sealed record Window(long From, long To, Dictionary<long, JsonElement> Data, Dictionary<long, PersonalDataDigest> Digests)
    {
        public static async Task<Window> ReadAsync(Batch batch, long sequence, CancellationToken cancellation)
        {
            var operations = batch.Operations;
            var to = sequence + ReadAhead;
            var rows = await StoredEvents.ReadAsync(operations, sequence, to, cancellation);
            var digests = await operations.Query<PersonalDataDigest>().Where(d => d.Id >= sequence && d.Id < to).ToListAsync(cancellation);
            var subjects = rows.Select(r => r.StreamId).Distinct().Where(s => !batch.Salts.ContainsKey(s)).ToArray();
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
            operations.Insert(salt);
        }
        batch.Salts[subject] = salt;

        var key = Convert.FromBase64String(salt.Key);
        var digest = new PersonalDataDigest
        {
            Id = sequence,
            SubjectId = subject,
            Digests = values.ToDictionary(p => p.path, p => AuditChain.Digest(key, p.path, p.value!.Value))
        };
        operations.Insert(digest);
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
        operations.Delete<DigestSalt>(referralId);
    }
}
