using System.Text.Json;

namespace Matching.Service.Audit;

public sealed record AuditActor(string Sub, string Name, string Role);

/// <summary>
/// One event of any stream as the audit trail shows it, keyed by the event's global sequence.
/// <see cref="Hash"/> chains it to the entry before it (see <see cref="AuditChain"/>).
/// </summary>
public sealed class AuditEntry
{
    public const string EventKind = "event";
    public const string AccessKind = "access";

    /// <summary>The event's global sequence number.</summary>
    public long Id { get; set; }
    public Guid StreamId { get; set; }
    /// <summary>Set for a referral's own events and for accesses to a referral.</summary>
    public Guid? ReferralId { get; set; }
    public string Kind { get; set; } = EventKind;
    /// <summary>The event's name ("ProposalDeclined").</summary>
    public string Type { get; set; } = "";
    /// <summary>The name the event is stored under in the event table.</summary>
    public string TypeAlias { get; set; } = "";
    public DateTimeOffset At { get; set; }
    public AuditActor Actor { get; set; } = new("system", "system", "system");
    /// <summary>Copy of the actor's sub, indexed for the per-user view.</summary>
    public string ActorSub { get; set; } = "";
    public string? CorrelationId { get; set; }
    public string? CausationId { get; set; }
    public string Summary { get; set; } = "";
    public JsonElement Data { get; set; }
    public string Hash { get; set; } = "";
}

/// <summary>
/// Salted digests (HMAC-SHA256) of one event's personal fields, by JSON path. The hash chain covers
/// these instead of the values, so erasing the values leaves the chain intact.
/// </summary>
public sealed class PersonalDataDigest
{
    /// <summary>The event's global sequence number.</summary>
    public long Id { get; set; }
    public Guid SubjectId { get; set; }
    public Dictionary<string, string> Digests { get; set; } = new();
}

/// <summary>
/// The random key of a referral's (or an access stream's) digests. Deleted on erasure: without it the
/// digests can't be recomputed, so they can't be brute-forced back into names or dates of birth.
/// </summary>
public sealed class DigestSalt
{
    public Guid Id { get; set; }
    public string Key { get; set; } = "";
}
