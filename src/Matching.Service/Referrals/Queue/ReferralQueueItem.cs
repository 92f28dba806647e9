using JasperFx.Events;
using Marten.Events.Aggregation;
using Marten.Schema;
using Matching.Service.Infrastructure;
using Matching.Service.Shared;

namespace Matching.Service.Referrals.Queue;

/// <summary>
/// One row of the coordinator queue: the few facts the queue filters, orders and ages by. Its stored
/// <see cref="NextAction"/> and <see cref="DueAt"/> only change with events, so the database can
/// filter and order by them; whether the row is overdue is decided against the clock at read time.
/// </summary>
public sealed record ReferralQueueItem
{
    public Guid Id { get; set; }

    /// <summary>The referral stream's version, filled in by Marten as the row is written.</summary>
    [Version]
    public long Version { get; set; }

    [PersonalData]
    public string ClientName { get; init; } = "";
    /// <summary>Name, email and phone digits as the search reads them (<see cref="QueueSearch.TextOf"/>); empty once erased.</summary>
    [PersonalData(ErasedAs = "")]
    public string SearchText { get; init; } = "";
    /// <summary>How to reach the client now (the intake's, or the client's correction since): the search text is made from them.</summary>
    [PersonalData]
    public string? ClientEmail { get; init; }
    [PersonalData]
    public string? ClientPhone { get; init; }
    /// <summary>The short reference the client was given (<see cref="ReferralReference.Of"/>), kept so a search can use an index.</summary>
    public string Reference { get; init; } = "";
    public ReferralStatus Status { get; init; }
    public bool Urgent { get; init; }
    public bool RiskFlagged { get; init; }
    public bool RiskAcknowledged { get; init; }
    public bool RiskEscalated { get; init; }
    public DateTimeOffset? RiskFlaggedAt { get; init; }
    /// <summary>When the referral became urgent: flagged by the safety answer or triaged as urgent.</summary>
    public DateTimeOffset? UrgentSince { get; init; }
    public IReadOnlyList<Concern> Concerns { get; init; } = [];
    public DateTimeOffset SubmittedAt { get; init; }
    public DateTimeOffset StatusSince { get; init; }
    public Guid? ClinicianId { get; init; }
    public int RematchCount { get; init; }
    public DateTimeOffset? LastContactAt { get; init; }
    public DateTimeOffset? ProposalExpiresAt { get; init; }
    public DateTimeOffset? FirstSessionStartsAt { get; init; }
    public int? FirstSessionDurationMinutes { get; init; }
    public DateTimeOffset? WaitlistedAt { get; init; }
    public bool PersonalDataErased { get; init; }

    public bool AwaitingRiskAcknowledgement { get; init; }
    public NextAction? NextAction { get; init; }
    public DateTimeOffset? DueAt { get; init; }
}

/// <summary>
/// Keeps the queue row of each referral in the same transaction as its events (inline), so the
/// queue never lags a command. The service levels come from the settings the store was built with;
/// after changing one, rebuild this projection to re-date existing rows.
/// </summary>
public sealed partial class CoordinatorQueueProjection(MatchingOptions options) : SingleStreamProjection<ReferralQueueItem, Guid>
{
    public override ReferralQueueItem? Evolve(ReferralQueueItem? snapshot, Guid id, IEvent e)
    {
        var item = Apply(snapshot, id, e);
        if (item is null) return null;
        item = item with { AwaitingRiskAcknowledgement = item.RiskFlagged && !item.RiskAcknowledged };
        var step = ServiceLevels.Next(item, options);
        // Stored in UTC: PostgreSQL's timestamptz columns take no other offset.
        return item with { NextAction = step.Action, DueAt = step.DueAt?.ToUniversalTime() };
    }

    private static ReferralQueueItem? Apply(ReferralQueueItem? item, Guid id, IEvent e) => (item, e.Data) switch
    {
        (_, IntakeSubmitted s) => new ReferralQueueItem
        {
            Id = id,
            ClientName = s.Intake.Client.FullName,
            SearchText = QueueSearch.TextOf(s.Intake.Client),
            ClientEmail = s.Intake.Client.Email,
            ClientPhone = s.Intake.Client.Phone,
            Reference = ReferralReference.Of(id),
            Status = Referral.StatusAfter(s)!.Value,
            Concerns = s.Intake.Concerns,
            SubmittedAt = e.Timestamp,
            StatusSince = e.Timestamp
        },
        (null, _) => null,
        (_, RiskFlagged) => item with
        {
            Urgent = true, RiskFlagged = true, RiskFlaggedAt = e.Timestamp, UrgentSince = item.UrgentSince ?? e.Timestamp
        },
        // A partner's urgent or asap request puts the referral on the urgent track, as an urgent triage would.
        (_, Fhir.PartnerReferralReceived { UrgentRequested: true }) => item with { Urgent = true, UrgentSince = item.UrgentSince ?? e.Timestamp },
        (_, RiskAcknowledged) => item with { RiskAcknowledged = true },
        (_, RiskEscalated) => item with { RiskEscalated = true },
        (_, ReferralTriaged t) => Moved(item, e) with
        {
            Urgent = item.Urgent || t.Priority == TriagePriority.Urgent,
            UrgentSince = item.UrgentSince ?? (t.Priority == TriagePriority.Urgent ? e.Timestamp : null)
        },
        (_, MatchProposed p) => Moved(item, e) with
        {
            ClinicianId = p.ClinicianId, ProposalExpiresAt = p.ExpiresAt, WaitlistedAt = null
        },
        (_, ProposalAccepted a) => Moved(item, e) with
        {
            ClinicianId = a.ClinicianId, ProposalExpiresAt = null
        },
        (_, ProposalDeclined or ProposalExpired or ProposalWithdrawn) => Moved(item, e) with { ClinicianId = null, ProposalExpiresAt = null },
        (_, ContactAttempted) => item with { LastContactAt = e.Timestamp },
        (_, ClientContactCorrected c) => Reachable(item, c.Email ?? item.ClientEmail, c.Phone ?? item.ClientPhone),
        (_, FirstSessionBooked b) => Moved(item, e) with
        {
            ClinicianId = b.ClinicianId, FirstSessionStartsAt = b.StartsAt, FirstSessionDurationMinutes = b.DurationMinutes
        },
        (_, FirstSessionRescheduled r) => item with
        {
            FirstSessionStartsAt = r.StartsAt, FirstSessionDurationMinutes = r.DurationMinutes
        },
        (_, FirstSessionCancelled or FirstSessionMissed) => Moved(item, e) with
        {
            FirstSessionStartsAt = null, FirstSessionDurationMinutes = null
        },
        (_, FirstSessionAttended) => Moved(item, e),
        (_, ReferralWaitlisted) => Moved(item, e) with { WaitlistedAt = e.Timestamp },
        (_, ReferralClosed c) => Moved(item, e) with
        {
            ClinicianId = c.ClinicianId ?? item.ClinicianId, ProposalExpiresAt = null
        },
        // The queue's only personal field goes with the rest of the client's data.
        (_, ClientDataErased) => Audit.PersonalData.Erase(item) with { PersonalDataErased = true },
        _ => item
    };

    public const string ErasedName = Audit.PersonalData.Erased;

    /// <summary>A search finds the client by the details they corrected, no longer by the ones they replaced.</summary>
    private static ReferralQueueItem Reachable(ReferralQueueItem item, string? email, string? phone) =>
        item.PersonalDataErased ? item : item with
        {
            ClientEmail = email, ClientPhone = phone, SearchText = QueueSearch.TextOf(item.ClientName, email, phone)
        };

    /// <summary>The status from the referral's own transition table (<see cref="Referral.StatusAfter(object)"/>), and re-matches counted as it counts them.</summary>
    private static ReferralQueueItem Moved(ReferralQueueItem item, IEvent e)
    {
        var moved = Referral.StatusAfter(e.Data) is { } status ? item with { Status = status, StatusSince = e.Timestamp } : item;
        return Referral.IsRematch(e.Data) ? moved with { RematchCount = moved.RematchCount + 1 } : moved;
    }
}
