using JasperFx.Events;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Shared;

namespace Matching.Service.Reports;

public enum ProposalOutcome { Pending, Accepted, Declined, Expired, Withdrawn }

/// <summary>One proposal as the reports count it: who, when, and how it ended.</summary>
public sealed record ProposalFact(
    Guid ProposalId,
    Guid ClinicianId,
    DateTimeOffset ProposedAt,
    ProposalOutcome Outcome = ProposalOutcome.Pending,
    DeclineReason? DeclineReason = null,
    bool WithdrawnOnClosing = false);

/// <summary>A reminder of a first session that went out: how long before its start, and by which channels.</summary>
public sealed record ReminderFact(Guid SessionId, TimeSpan LeadTime, IReadOnlyList<ContactChannel> Channels);

/// <summary>How a first session ended, and whether any reminder of it went out before.</summary>
public sealed record SessionOutcomeFact(Guid SessionId, bool Attended, bool Reminded);

/// <summary>
/// What the reports need to know about one referral, and nothing personal: dates, stages reached,
/// proposal outcomes, session outcomes, waitlist and risk times. Kept by the async daemon, one document
/// per referral stream, so every report can be computed exactly for any range of intake dates.
/// Times come from event metadata only, so a rebuild writes the same documents.
/// </summary>
public sealed record ReferralFacts
{
    public Guid Id { get; set; }
    public long Version { get; set; }

    public DateOnly IntakeDate { get; init; }
    /// <summary>The intake month, "YYYY-MM", in the practice's time zone.</summary>
    public string Month { get; init; } = "";
    public DateTimeOffset SubmittedAt { get; init; }
    public IReadOnlyList<Concern> Concerns { get; init; } = [];
    /// <summary>Where the referral came from: the public form, or a partner's system (`fhir`) and its organization.</summary>
    public string Source { get; init; } = PublicForm;
    public string? Organization { get; init; }

    public const string PublicForm = "form";

    public DateTimeOffset? RiskFlaggedAt { get; init; }
    public DateTimeOffset? RiskAcknowledgedAt { get; init; }
    public bool RiskEscalated { get; init; }
    public bool TriagedUrgent { get; init; }

    public DateTimeOffset? TriagedAt { get; init; }
    public DateTimeOffset? FirstProposalAt { get; init; }
    public DateTimeOffset? FirstAcceptanceAt { get; init; }
    public DateTimeOffset? FirstBookedAt { get; init; }
    /// <summary>Start of the referral's first session as it stands: the latest booking, with its reschedules.</summary>
    public DateTimeOffset? FirstSessionStartsAt { get; init; }
    /// <summary>
    /// The client booked the first session as it stands themselves, on their link: the booking event's actor has the role
    /// client. Otherwise the practice (a coordinator) booked it.
    /// </summary>
    public bool SelfBooked { get; init; }
    public DateTimeOffset? AttendedAt { get; init; }
    public int SessionsAttended { get; init; }
    public int NoShows { get; init; }

    public IReadOnlyList<ProposalFact> Proposals { get; init; } = [];
    public IReadOnlyList<ReminderFact> Reminders { get; init; } = [];
    /// <summary>Every first-session outcome recorded (a missed session re-booked and attended gives two).</summary>
    public IReadOnlyList<SessionOutcomeFact> SessionOutcomes { get; init; } = [];
    /// <summary>Proposals that ended without acceptance and sent the referral back to matching.</summary>
    public int Rematches { get; init; }

    /// <summary>When the current waitlist stay began; null when not waitlisted now.</summary>
    public DateTimeOffset? WaitlistedAt { get; init; }
    public DateTimeOffset? LeftWaitlistAt { get; init; }
    public int Waitlistings { get; init; }

    public ClosureOutcome? ClosureOutcome { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }

    public bool Urgent => RiskFlaggedAt is not null || TriagedUrgent;
    public bool Waitlisted => WaitlistedAt is not null;

    public static ReferralFacts Create(IEvent<IntakeSubmitted> e) => new()
    {
        Id = e.StreamId,
        IntakeDate = e.Data.IntakeDate,
        Month = e.Data.IntakeDate.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
        SubmittedAt = e.Timestamp,
        Concerns = e.Data.Intake.Concerns.Distinct().ToList()
    };

    public ReferralFacts Apply(Fhir.PartnerReferralReceived e) => this with { Source = e.Source, Organization = e.Organization };

    public ReferralFacts Apply(IEvent<RiskFlagged> e) => this with { RiskFlaggedAt = RiskFlaggedAt ?? e.Timestamp };

    public ReferralFacts Apply(IEvent<RiskAcknowledged> e) => this with { RiskAcknowledgedAt = RiskAcknowledgedAt ?? e.Timestamp };

    public ReferralFacts Apply(RiskEscalated _) => this with { RiskEscalated = true };

    public ReferralFacts Apply(IEvent<ReferralTriaged> e) => this with
    {
        TriagedAt = TriagedAt ?? e.Timestamp,
        TriagedUrgent = TriagedUrgent || e.Data.Priority == TriagePriority.Urgent
    };

    public ReferralFacts Apply(IEvent<MatchProposed> e) => LeftWaitlist(e.Timestamp) with
    {
        FirstProposalAt = FirstProposalAt ?? e.Timestamp,
        Proposals = [..Proposals, new ProposalFact(e.Data.ProposalId, e.Data.ClinicianId, e.Timestamp)]
    };

    public ReferralFacts Apply(IEvent<ProposalAccepted> e) => this with
    {
        FirstAcceptanceAt = FirstAcceptanceAt ?? e.Timestamp,
        Proposals = Ended(e.Data.ProposalId, p => p with { Outcome = ProposalOutcome.Accepted })
    };

    public ReferralFacts Apply(ProposalDeclined e) => this with
    {
        Rematches = Rematches + 1,
        Proposals = Ended(e.ProposalId, p => p with { Outcome = ProposalOutcome.Declined, DeclineReason = e.Reason })
    };

    public ReferralFacts Apply(ProposalExpired e) => this with
    {
        Rematches = Rematches + 1,
        Proposals = Ended(e.ProposalId, p => p with { Outcome = ProposalOutcome.Expired })
    };

    // Withdrawn because the referral is closing: still a withdrawn proposal, but not a re-match.
    public ReferralFacts Apply(ProposalWithdrawn e) => this with
    {
        Rematches = e.ClosesReferral ? Rematches : Rematches + 1,
        Proposals = Ended(e.ProposalId, p => p with { Outcome = ProposalOutcome.Withdrawn, WithdrawnOnClosing = e.ClosesReferral })
    };

    public ReferralFacts Apply(IEvent<FirstSessionBooked> e) => this with
    {
        FirstBookedAt = FirstBookedAt ?? e.Timestamp,
        FirstSessionStartsAt = e.Data.StartsAt,
        SelfBooked = Actor.FromHeaders(e.Headers, e.UserName).Role.Split(',').Contains(Roles.Client)
    };

    public ReferralFacts Apply(FirstSessionReminderSent e) => this with
    {
        Reminders = [..Reminders, new ReminderFact(e.SessionId, e.LeadTime, e.Channels)]
    };

    public ReferralFacts Apply(FirstSessionRescheduled e) => this with { FirstSessionStartsAt = e.StartsAt };

    public ReferralFacts Apply(IEvent<FirstSessionAttended> e) => this with
    {
        AttendedAt = AttendedAt ?? e.Timestamp,
        SessionsAttended = SessionsAttended + 1,
        SessionOutcomes = [..SessionOutcomes, new SessionOutcomeFact(e.Data.SessionId, true, Reminded(e.Data.SessionId))],
        ClosureOutcome = Referrals.ClosureOutcome.Engaged,
        ClosedAt = e.Timestamp
    };

    public ReferralFacts Apply(FirstSessionMissed e) => this with
    {
        NoShows = NoShows + 1,
        SessionOutcomes = [..SessionOutcomes, new SessionOutcomeFact(e.SessionId, false, Reminded(e.SessionId))]
    };

    private bool Reminded(Guid sessionId) => Reminders.Any(r => r.SessionId == sessionId);

    public ReferralFacts Apply(IEvent<ReferralWaitlisted> e) => this with
    {
        WaitlistedAt = e.Timestamp, LeftWaitlistAt = null, Waitlistings = Waitlistings + 1
    };

    public ReferralFacts Apply(IEvent<ReferralClosed> e) => LeftWaitlist(e.Timestamp) with
    {
        ClosureOutcome = e.Data.Outcome, ClosedAt = e.Timestamp
    };

    private ReferralFacts LeftWaitlist(DateTimeOffset at) =>
        WaitlistedAt is null ? this : this with { WaitlistedAt = null, LeftWaitlistAt = at };

    private IReadOnlyList<ProposalFact> Ended(Guid proposalId, Func<ProposalFact, ProposalFact> end) =>
        Proposals.Select(p => p.ProposalId == proposalId ? end(p) : p).ToList();
}
