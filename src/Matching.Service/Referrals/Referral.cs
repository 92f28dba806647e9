using System.Text.Json.Serialization;
using JasperFx.Events;
using Matching.Service.Shared;

namespace Matching.Service.Referrals;

public enum ReferralStatus { AwaitingTriage, AwaitingMatch, Proposed, Accepted, Booked, Closed, Waitlisted }

public enum ProposalStatus { Pending, Accepted, Declined, Expired, Withdrawn }

public sealed record Proposal(
    Guid Id,
    Guid ClinicianId,
    ProposalStatus Status,
    DateTimeOffset ProposedAt,
    DateTimeOffset ExpiresAt,
    [PersonalData] string? Note,
    [PersonalData] string? OverrideReason,
    DateTimeOffset? AnsweredAt = null,
    DeclineReason? DeclineReason = null,
    [PersonalData] string? AnswerNote = null);

public enum FirstSessionStatus { Booked, Cancelled, Attended, Missed }

public sealed record FirstSession(
    Guid Id,
    Guid ClinicianId,
    DateTimeOffset StartsAt,
    int DurationMinutes,
    SessionFormat Format,
    FirstSessionStatus Status,
    DateTimeOffset BookedAt,
    CancelledBy? CancelledBy = null,
    [PersonalData] string? Note = null,
    int Reschedules = 0,
    IReadOnlyList<TimeSpan>? Reminded = null)
{
    /// <summary>The lead times whose reminders went out for the session at its current time (a reschedule starts afresh).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<TimeSpan> RemindersSent => Reminded ?? [];

    /// <summary>The iCalendar SEQUENCE of the session's invitation: each reschedule and the cancellation revise it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int Revision => Status == FirstSessionStatus.Cancelled ? Reschedules + 1 : Reschedules;

    public DateTimeOffset EndsAt => StartsAt.AddMinutes(DurationMinutes);
}

public sealed record ContactAttempt(DateTimeOffset At, ContactChannel Channel, ContactOutcome Outcome, [PersonalData] string? Note);

public sealed record RiskState(
    SelfHarmAnswer Answer,
    DateTimeOffset FlaggedAt,
    bool Acknowledged = false,
    DateTimeOffset? AcknowledgedAt = null,
    RiskAction? ActionTaken = null,
    [PersonalData] string? Note = null,
    bool Escalated = false);

public sealed record Closure(ClosureOutcome Outcome, [PersonalData] string? Note, DateTimeOffset At);

/// <summary>A live link of the client's: which one, and until when it opens the client's page.</summary>
public sealed record ClientLinkGrant(Guid Id, DateTimeOffset ExpiresAt);

/// <summary>
/// The referral as its events leave it: the state every decision reads, kept as an inline
/// snapshot so a command loads one row, and served as the referral detail.
/// </summary>
public sealed record Referral
{
    public Guid Id { get; set; }
    public long Version { get; set; }

    public ReferralStatus Status { get; init; }
    public DateTimeOffset SubmittedAt { get; init; }
    public DateTimeOffset StatusSince { get; init; }
    public DateOnly IntakeDate { get; init; }
    public AgeGroup AgeGroup { get; init; }
    public ReferralIntake Intake { get; init; } = null!;
    public RiskState? Risk { get; init; }
    public TriagePriority? Priority { get; init; }
    public IReadOnlyList<Proposal> Proposals { get; init; } = [];
    public IReadOnlyList<ContactAttempt> ContactAttempts { get; init; } = [];
    public FirstSession? FirstSession { get; init; }
    public Closure? Closure { get; init; }
    [PersonalData]
    public string? WaitlistReason { get; init; }
    /// <summary>Times the referral was waitlisted: tells a current check-in timer from one left by an earlier stay.</summary>
    public int Waitlistings { get; init; }
    /// <summary>Check-ins that came due since the referral was last waitlisted, and when the last one did.</summary>
    public int WaitlistCheckIns { get; init; }
    public DateTimeOffset? LastWaitlistCheckInAt { get; init; }
    public int RematchCount { get; init; }
    /// <summary>When matching last ran for this referral (the run itself stays on the stream).</summary>
    public DateTimeOffset? LastSuggestedAt { get; init; }
    public bool PersonalDataErased { get; init; }
    /// <summary>The client's links that still work until they expire; closing, withdrawal and erasure empty it.</summary>
    public IReadOnlyList<ClientLinkGrant> ClientLinks { get; init; } = [];
    /// <summary>The client replied STOP to a text and hasn't replied START since.</summary>
    public bool TextsStopped { get; init; }
    /// <summary>The partner organization's system that sent the referral, when it didn't come from the public form.</summary>
    public Fhir.PartnerReferralReceived? Partner { get; init; }
    /// <summary>
    /// The client's phone as E.164 ("+13035550142"), null without a valid one: the indexed key a text the client sends
    /// finds their referrals by (docs/adr/0035-text-opt-out-and-booking-reports.md). Erasure clears it.
    /// </summary>
    [PersonalData]
    public string? TextNumber { get; init; }

    /// <summary>Whether a text may go to the client: a number, consent to texts, no STOP since, data not erased.</summary>
    [JsonIgnore]
    public bool MayText => !PersonalDataErased && !TextsStopped && Intake.Consent.TextMessagesOk && !string.IsNullOrWhiteSpace(Intake.Client.Phone);

    /// <summary>Whether the link <paramref name="linkId"/> opens the client's page at <paramref name="now"/>.</summary>
    public bool LinkOpens(Guid linkId, DateTimeOffset now) =>
        Status != ReferralStatus.Closed && !PersonalDataErased && ClientLinks.Any(l => l.Id == linkId && l.ExpiresAt > now);

    /// <summary>Flagged by the safety answer, triaged as urgent, or sent as urgent by a partner organization.</summary>
    public bool Urgent => Risk is not null || Priority == TriagePriority.Urgent || Partner?.UrgentRequested == true;

    /// <summary>Urgent by the safety answer and nobody has acknowledged the risk yet.</summary>
    [JsonIgnore]
    public bool AwaitingRiskAcknowledgement => Risk is { Acknowledged: false };

    [JsonIgnore]
    public Proposal? OpenProposal => Proposals.LastOrDefault(p => p.Status == ProposalStatus.Pending);

    [JsonIgnore]
    public Proposal? AcceptedProposal => Status is ReferralStatus.Accepted or ReferralStatus.Booked
        || Closure?.Outcome == ClosureOutcome.Engaged
        ? Proposals.LastOrDefault(p => p.Status == ProposalStatus.Accepted)
        : null;

    /// <summary>The clinician currently attached: the one proposed, or the one who accepted.</summary>
    public Guid? ClinicianId => OpenProposal?.ClinicianId ?? AcceptedProposal?.ClinicianId;

    /// <summary>Clinicians who declined, let a proposal expire, or had it withdrawn: not proposed again.</summary>
    [JsonIgnore]
    public IEnumerable<Guid> ExcludedClinicianIds => Proposals
        .Where(p => p.Status is ProposalStatus.Declined or ProposalStatus.Expired or ProposalStatus.Withdrawn)
        .Select(p => p.ClinicianId);

    public static Referral Create(IEvent<IntakeSubmitted> e) => new()
    {
        Id = e.StreamId,
        Status = StatusAfter(e.Data)!.Value,
        SubmittedAt = e.Timestamp,
        StatusSince = e.Timestamp,
        IntakeDate = e.Data.IntakeDate,
        AgeGroup = e.Data.AgeGroup,
        Intake = e.Data.Intake,
        TextNumber = Notifications.PhoneNumbersE164.Normalize(e.Data.Intake.Client.Phone)
    };

    public Referral Apply(IEvent<RiskFlagged> e) => this with { Risk = new RiskState(e.Data.Answer, e.Timestamp) };

    public Referral Apply(IEvent<RiskAcknowledged> e) => this with
    {
        Risk = Risk! with
        {
            Acknowledged = true, AcknowledgedAt = e.Timestamp, ActionTaken = e.Data.ActionTaken, Note = e.Data.Note
        }
    };

    public Referral Apply(RiskEscalated _) => this with { Risk = Risk! with { Escalated = true } };

    public Referral Apply(IEvent<ReferralTriaged> e) =>
        MovedBy(e) with { Priority = e.Data.Priority };

    public Referral Apply(IEvent<MatchesSuggested> e) => this with { LastSuggestedAt = e.Timestamp };

    public Referral Apply(IEvent<MatchProposed> e) => MovedBy(e) with
    {
        WaitlistReason = null,
        Proposals =
        [
            ..Proposals,
            new Proposal(e.Data.ProposalId, e.Data.ClinicianId, ProposalStatus.Pending, e.Timestamp,
                e.Data.ExpiresAt, e.Data.Note, e.Data.OverrideReason)
        ]
    };

    public Referral Apply(IEvent<ProposalAccepted> e) =>
        MovedBy(e) with
        {
            Proposals = Answer(e.Data.ProposalId, p => p with
            {
                Status = ProposalStatus.Accepted, AnsweredAt = e.Timestamp, AnswerNote = e.Data.Note
            })
        };

    public Referral Apply(IEvent<ProposalDeclined> e) => MovedBy(e) with
    {
        Proposals = Answer(e.Data.ProposalId, p => p with
        {
            Status = ProposalStatus.Declined, AnsweredAt = e.Timestamp, DeclineReason = e.Data.Reason,
            AnswerNote = e.Data.Note
        })
    };

    public Referral Apply(IEvent<ProposalExpired> e) => MovedBy(e) with
    {
        Proposals = Answer(e.Data.ProposalId, p => p with { Status = ProposalStatus.Expired, AnsweredAt = e.Timestamp })
    };

    public Referral Apply(IEvent<ProposalWithdrawn> e) => MovedBy(e) with
    {
        Proposals = Answer(e.Data.ProposalId, p => p with
        {
            Status = ProposalStatus.Withdrawn, AnsweredAt = e.Timestamp, AnswerNote = e.Data.Reason
        })
    };

    public Referral Apply(IEvent<ContactAttempted> e) => this with
    {
        ContactAttempts = [..ContactAttempts, new ContactAttempt(e.Timestamp, e.Data.Channel, e.Data.Outcome, e.Data.Note)]
    };

    public Referral Apply(IEvent<FirstSessionBooked> e) => MovedBy(e) with
    {
        FirstSession = new FirstSession(e.Data.SessionId, e.Data.ClinicianId, e.Data.StartsAt, e.Data.DurationMinutes,
            e.Data.Format, FirstSessionStatus.Booked, e.Timestamp)
    };

    public Referral Apply(FirstSessionRescheduled e) => this with
    {
        FirstSession = FirstSession! with
        {
            StartsAt = e.StartsAt, DurationMinutes = e.DurationMinutes, Reschedules = FirstSession.Reschedules + 1, Reminded = null
        }
    };

    public Referral Apply(FirstSessionReminderSent e) => FirstSession?.Id != e.SessionId ? this : this with
    {
        FirstSession = FirstSession with { Reminded = [..FirstSession.RemindersSent, e.LeadTime] }
    };

    public Referral Apply(ClientLinkIssued e) => this with
    {
        ClientLinks = [..e.ReplacesEarlier ? [] : ClientLinks, new ClientLinkGrant(e.LinkId, e.ExpiresAt)]
    };

    public Referral Apply(ClientContactCorrected e) => this with
    {
        Intake = Intake with
        {
            Client = Intake.Client with { Email = e.Email ?? Intake.Client.Email, Phone = e.Phone ?? Intake.Client.Phone },
            Consent = e.TextMessagesOk is { } ok ? Intake.Consent with { TextMessagesOk = ok } : Intake.Consent
        },
        TextNumber = e.Phone is null ? TextNumber : Notifications.PhoneNumbersE164.Normalize(e.Phone)
    };

    public Referral Apply(TextMessagesStopped _) => this with { TextsStopped = true };

    public Referral Apply(TextMessagesResumed _) => this with { TextsStopped = false };

    public Referral Apply(Fhir.PartnerReferralReceived e) => this with { Partner = e };

    public Referral Apply(IEvent<FirstSessionCancelled> e) => MovedBy(e) with
    {
        FirstSession = FirstSession! with
        {
            Status = FirstSessionStatus.Cancelled, CancelledBy = e.Data.By, Note = e.Data.Reason
        }
    };

    public Referral Apply(IEvent<FirstSessionAttended> e) => MovedBy(e) with
    {
        FirstSession = FirstSession! with { Status = FirstSessionStatus.Attended, Note = e.Data.Note },
        Closure = new Closure(ClosureOutcome.Engaged, e.Data.Note, e.Timestamp)
    };

    public Referral Apply(IEvent<FirstSessionMissed> e) => MovedBy(e) with
    {
        FirstSession = FirstSession! with { Status = FirstSessionStatus.Missed, Note = e.Data.Note }
    };

    public Referral Apply(IEvent<ReferralWaitlisted> e) => MovedBy(e) with
    {
        WaitlistReason = e.Data.Reason, Waitlistings = Waitlistings + 1, WaitlistCheckIns = 0, LastWaitlistCheckInAt = null
    };

    public Referral Apply(IEvent<WaitlistCheckInDue> e) =>
        this with { WaitlistCheckIns = e.Data.CheckInNumber, LastWaitlistCheckInAt = e.Timestamp };

    public Referral Apply(IEvent<ReferralClosed> e) => MovedBy(e) with
    {
        Closure = new Closure(e.Data.Outcome, e.Data.Note, e.Timestamp),
        // A closed request has nothing left for the client to do: its links stop working.
        ClientLinks = []
    };

    /// <summary>
    /// Erasure: the client's details and every free-text note or reason (each marked [PersonalData]) go;
    /// what happened, when, and the coded facts (status, concerns, age group, state) stay so the referral
    /// is still counted. Applied on replay too, so a rebuilt snapshot is masked even before the events are.
    /// </summary>
    public Referral Apply(ClientDataErased _) =>
        Audit.PersonalData.Erase(this) with { PersonalDataErased = true, ClientLinks = [], TextNumber = null };

    /// <summary>
    /// The lifecycle, defined once: the status a referral moves to on an event, or null when the event leaves it where it
    /// is. The snapshot, the coordinator queue, every command's answer and the demo data all take the status from here.
    /// </summary>
    public static ReferralStatus? StatusAfter(object @event) => @event switch
    {
        IntakeSubmitted => ReferralStatus.AwaitingTriage,
        ReferralTriaged => ReferralStatus.AwaitingMatch,
        MatchProposed => ReferralStatus.Proposed,
        ProposalAccepted => ReferralStatus.Accepted,
        // Closing withdraws the open proposal on its way out: the close itself moves the referral.
        ProposalWithdrawn { ClosesReferral: true } => null,
        ProposalDeclined or ProposalExpired or ProposalWithdrawn => ReferralStatus.AwaitingMatch,
        FirstSessionBooked => ReferralStatus.Booked,
        FirstSessionCancelled or FirstSessionMissed => ReferralStatus.Accepted,
        FirstSessionAttended => ReferralStatus.Closed,
        ReferralWaitlisted => ReferralStatus.Waitlisted,
        ReferralClosed => ReferralStatus.Closed,
        _ => null
    };

    /// <summary>
    /// Folds one event into the state with the Apply methods above, as Marten does when it writes the snapshot: for code
    /// that holds a referral's events in memory (the demo data) and wants the state the commands would see.
    /// </summary>
    public static Referral Fold(Referral? state, IEvent e)
    {
        var next = (state, e) switch
        {
            (_, IEvent<IntakeSubmitted> x) => Create(x),
            (null, _) => throw new InvalidOperationException($"A referral starts with {nameof(IntakeSubmitted)}, not {e.EventType.Name}."),
            (_, IEvent<RiskFlagged> x) => state.Apply(x),
            (_, IEvent<RiskAcknowledged> x) => state.Apply(x),
            (_, IEvent<RiskEscalated> x) => state.Apply(x.Data),
            (_, IEvent<ReferralTriaged> x) => state.Apply(x),
            (_, IEvent<MatchesSuggested> x) => state.Apply(x),
            (_, IEvent<MatchProposed> x) => state.Apply(x),
            (_, IEvent<ProposalAccepted> x) => state.Apply(x),
            (_, IEvent<ProposalDeclined> x) => state.Apply(x),
            (_, IEvent<ProposalExpired> x) => state.Apply(x),
            (_, IEvent<ProposalWithdrawn> x) => state.Apply(x),
            (_, IEvent<ContactAttempted> x) => state.Apply(x),
            (_, IEvent<FirstSessionBooked> x) => state.Apply(x),
            (_, IEvent<FirstSessionRescheduled> x) => state.Apply(x.Data),
            (_, IEvent<FirstSessionCancelled> x) => state.Apply(x),
            (_, IEvent<FirstSessionAttended> x) => state.Apply(x),
            (_, IEvent<FirstSessionMissed> x) => state.Apply(x),
            (_, IEvent<ReferralWaitlisted> x) => state.Apply(x),
            (_, IEvent<WaitlistCheckInDue> x) => state.Apply(x),
            (_, IEvent<ReferralClosed> x) => state.Apply(x),
            (_, IEvent<ClientDataErased> x) => state.Apply(x.Data),
            (_, IEvent<FirstSessionReminderSent> x) => state.Apply(x.Data),
            (_, IEvent<ClientLinkIssued> x) => state.Apply(x.Data),
            (_, IEvent<ClientContactCorrected> x) => state.Apply(x.Data),
            (_, IEvent<TextMessagesStopped> x) => state.Apply(x.Data),
            (_, IEvent<TextMessagesResumed> x) => state.Apply(x.Data),
            (_, IEvent<Fhir.PartnerReferralReceived> x) => state.Apply(x.Data),
            _ => throw new InvalidOperationException($"No Apply for {e.EventType.Name}.")
        };
        next.Version = (state?.Version ?? 0) + 1;
        return next;
    }

    /// <summary>A proposal that ends without acceptance sends the referral back for a re-match, and is counted.</summary>
    public static bool IsRematch(object @event) =>
        StatusAfter(@event) == ReferralStatus.AwaitingMatch && @event is ProposalDeclined or ProposalExpired or ProposalWithdrawn;

    /// <summary>The status after these events, from <paramref name="status"/>.</summary>
    public static ReferralStatus StatusAfter(ReferralStatus status, IEnumerable<object> events) =>
        events.Aggregate(status, (current, e) => StatusAfter(e) ?? current);

    private Referral MovedBy(IEvent e)
    {
        var moved = StatusAfter(e.Data) is { } status ? this with { Status = status, StatusSince = e.Timestamp } : this;
        return IsRematch(e.Data) ? moved with { RematchCount = RematchCount + 1 } : moved;
    }

    private IReadOnlyList<Proposal> Answer(Guid proposalId, Func<Proposal, Proposal> answer) =>
        Proposals.Select(p => p.Id == proposalId ? answer(p) : p).ToList();
}
