using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Matching.Service.Clinicians;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;

namespace Matching.Service.Audit;

/// <summary>
/// Writes an <see cref="AuditEntry"/> for every event of every stream, asynchronously so no command
/// or read waits for it. The daemon hands events over in global sequence order, which is the order
/// the hash chain needs; the chain's end is kept in <see cref="AuditChainHead"/> (identity-tracked,
/// so each event in a batch sees the hash of the one before).
/// </summary>
public sealed partial class AuditProjection : EventProjection
{
    public const string ProjectionName = "AuditTrail";

    public AuditProjection()
    {
        Name = ProjectionName;
        Options.DeleteViewTypeOnTeardown<AuditEntry>();
        Options.DeleteViewTypeOnTeardown<AuditChainHead>();
    }

    /// <summary>How many events one read-ahead covers (half a daemon batch: see ReportsModule.RebuildBatchSize).</summary>
    public const int ReadAhead = 1_000;

    private Window? _window;

    public override async ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        var window = await WindowForAsync(operations, e.Sequence, cancellation);
        var data = window.Data.TryGetValue(e.Sequence, out var stored) && JsonNode.Parse(stored) is JsonObject json ? json : new JsonObject();
        var facts = FactsOf(e, data);
        var referralId = ReferralOf(e);
        var subject = referralId ?? e.StreamId;

        // A rebuild keeps the digests first computed: after erasure the salt is gone and the values masked.
        var digest = window.Digests.GetValueOrDefault(e.Sequence)
                     ?? await NewDigestAsync(operations, window, e.Sequence, subject, facts, cancellation);

        var head = await operations.LoadAsync<AuditChainHead>(AuditChainHead.SingletonId, cancellation) ?? new AuditChainHead();
        var hash = AuditChain.Next(head.Hash, AuditChain.Canonical(facts, digest?.Digests));
        head.Sequence = e.Sequence;
        head.Hash = hash;
        operations.Store(head);

        operations.Store(new AuditEntry
        {
            Id = e.Sequence,
            StreamId = e.StreamId,
            ReferralId = referralId,
            Kind = e.Data is PersonalDataAccessed ? AuditEntry.AccessKind : AuditEntry.EventKind,
            Type = facts.Type,
            TypeAlias = facts.TypeAlias,
            At = e.Timestamp,
            Actor = facts.Actor,
            ActorSub = facts.Actor.Sub,
            CorrelationId = e.CorrelationId,
            CausationId = e.CausationId,
            Summary = Summarize(e.Data),
            Data = JsonSerializer.SerializeToElement(data),
            Hash = hash
        });

        if (e.Data is ClientDataErased)
        {
            await EraseAsync(operations, e.StreamId, cancellation);
            window.Salts.Remove(e.StreamId);
        }
    }

    /// <summary>
    /// What the events of one stretch of the log need, read once instead of per event: the event's data exactly
    /// as the event table holds it (what the integrity check reads back: re-serializing the event object would
    /// not reproduce the stored JSON byte for byte), the digests a rebuild keeps, and the subjects' salts.
    /// A window belongs to one daemon batch (its session), so a retried batch never sees a salt it didn't store.
    /// </summary>
    private sealed record Window(IDocumentOperations Operations, long From, long To, Dictionary<long, string> Data,
        Dictionary<long, PersonalDataDigest> Digests, Dictionary<Guid, DigestSalt> Salts);

    private async Task<Window> WindowForAsync(IDocumentOperations operations, long sequence, CancellationToken cancellation)
    {
        if (_window is { } current && ReferenceEquals(current.Operations, operations) && sequence >= current.From && sequence < current.To)
            return current;

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
            return (Sequence: long.Parse(line.AsSpan(0, first)), Stream: Guid.Parse(line.AsSpan(first + 1, second - first - 1)), Data: line[(second + 1)..]);
        }).ToList();
        var digests = await operations.Query<PersonalDataDigest>().Where(d => d.Id >= sequence && d.Id < to).ToListAsync(cancellation);
        var subjects = rows.Select(r => r.Stream).Distinct().ToArray();
        var salts = subjects.Length == 0 ? [] : await operations.LoadManyAsync<DigestSalt>(cancellation, subjects);
        var window = new Window(operations, sequence, to, rows.ToDictionary(r => r.Sequence, r => r.Data),
            digests.ToDictionary(d => d.Id), salts.ToDictionary(x => x.Id));
        _window = window;
        return window;
    }

    public static AuditFacts FactsOf(IEvent e, JsonObject data)
    {
        var actor = Actor.FromHeaders(e.Headers, e.UserName);
        return new AuditFacts(e.Sequence, e.StreamId, e.EventType.Name, e.EventTypeName, e.Timestamp,
            new AuditActor(actor.Sub, actor.Name, actor.Role), e.CorrelationId, e.CausationId, data);
    }

    /// <summary>Clinician streams are not referrals; access streams name theirs; every other stream is a referral's.</summary>
    private static Guid? ReferralOf(IEvent e) => e.Data switch
    {
        PersonalDataAccessed access => access.ReferralId,
        _ when e.EventType.Namespace == typeof(Clinician).Namespace => null,
        _ => e.StreamId
    };

    private static string Summarize(object data) => data switch
    {
        PersonalDataAccessed access => $"Personal data viewed: {access.Resource}",
        _ => EventSummaries.Describe(data)
    };

    private static async Task<PersonalDataDigest?> NewDigestAsync(
        IDocumentOperations operations, Window window, long sequence, Guid subject, AuditFacts facts, CancellationToken cancellation)
    {
        var values = PersonalFields.For(facts.Type)
            .Select(path => (path, value: PersonalFields.Get(facts.Data, path)))
            .Where(p => p.value is not null)
            .ToList();
        if (values.Count == 0) return null;

        // Access events name a referral that is not their stream: its salt was not read ahead.
        var salt = window.Salts.GetValueOrDefault(subject) ?? await operations.LoadAsync<DigestSalt>(subject, cancellation);
        if (salt is null)
        {
            salt = new DigestSalt { Id = subject, Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
            operations.Store(salt);
        }
        window.Salts[subject] = salt;

        var key = Convert.FromBase64String(salt.Key);
        var digest = new PersonalDataDigest
        {
            Id = sequence,
            SubjectId = subject,
            Digests = values.ToDictionary(p => p.path, p => AuditChain.Digest(key, p.path, p.value!))
        };
        operations.Store(digest);
        return digest;
    }

    /// <summary>
    /// Masks the referral's audit rows as its events were masked, and shreds the salt. Hashes stay:
    /// they cover the digests, not the values.
    /// </summary>
    private static async Task EraseAsync(IDocumentOperations operations, Guid referralId, CancellationToken cancellation)
    {
        var entries = await operations.Query<AuditEntry>().Where(x => x.ReferralId == referralId).ToListAsync(cancellation);
        foreach (var entry in entries)
        {
            var data = JsonNode.Parse(entry.Data.GetRawText())!.AsObject();
            entry.Data = JsonSerializer.SerializeToElement(PersonalFields.MaskJson(entry.Type, data));
            operations.Store(entry);
        }
        operations.Delete<DigestSalt>(referralId);
    }
}
