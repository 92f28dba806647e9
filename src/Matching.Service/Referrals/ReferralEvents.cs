using Matching.Service.Shared;

namespace Matching.Service.Referrals;

// The referral stream's events. Lean: the stream id, time, actor, correlation and causation ids
// travel in Marten's event metadata, not in the payload. Their own types, kept forever: a change to one
// is a new version with an upcast from the old (docs/adr/0026-event-versions.md). [PersonalData] marks
// what erasure masks and the audit chain digests.

/// <summary>Stored as intake_submitted_v2; rows under intake_submitted hold <see cref="IntakeSubmittedV1"/>.</summary>
public sealed record IntakeSubmitted(ReferralIntake Intake, DateOnly IntakeDate, AgeGroup AgeGroup);

public sealed record RiskFlagged(SelfHarmAnswer Answer);

public enum RiskAction { ContactedClient, ReferredToCrisisServices, ScheduledUrgentEvaluation, ClinicianNotified, Other }

public sealed record RiskAcknowledged(RiskAction ActionTaken, [PersonalData] string Note);

public sealed record RiskEscalated(DateTimeOffset FlaggedAt, TimeSpan Window);

public enum TriagePriority { Routine, Urgent }

public sealed record ReferralTriaged(TriagePriority Priority, [PersonalData] string? Note);

public sealed record MatchProposed(
    Guid ProposalId,
    Guid ClinicianId,
    DateTimeOffset ExpiresAt,
    [PersonalData] string? Note,
    [PersonalData] string? OverrideReason,
    IReadOnlyList<string>? OverriddenFilters);

/// <summary>
/// One run of the matching engine, recorded so compliance can answer "why this clinician": which engine
/// and weights ranked, how many clinicians were considered and why the others were left out, and the
/// candidates with their scores and reasons. Clinicians' names only: nothing that identifies the client.
/// </summary>
public sealed record MatchesSuggested(
    string EngineVersion,
    string WeightsVersion,
    int Limit,
    int ConsideredCount,
    int EligibleCount,
    SuggestionExclusions ExclusionCounts,
    IReadOnlyList<SuggestedCandidate> Candidates);

/// <summary>
/// Clinicians left out per reason, every reason present. Named members rather than a map: they
/// serialize in the contract's order whatever order the stored JSON (jsonb) keeps its keys in.
/// </summary>
public sealed record SuggestionExclusions(
    int NotAccepting,
    int NoCapacity,
    int FormatMismatch,
    int NotLicensedInState,
    int SessionTypeMismatch,
    int AgeGroupMismatch,
    int PayerMismatch,
    int LanguageMismatch,
    int KetamineNotOffered,
    int PreviouslyDeclined)
{
    /// <summary>A method, not a property, so it stays out of the serialized counts.</summary>
    public int Total() => NotAccepting + NoCapacity + FormatMismatch + NotLicensedInState + SessionTypeMismatch
                        + AgeGroupMismatch + PayerMismatch + LanguageMismatch + KetamineNotOffered + PreviouslyDeclined;
}

public sealed record SuggestedCandidate(Guid ClinicianId, string Name, int Rank, double Score, IReadOnlyList<SuggestionReason> Reasons);

/// <summary>One criterion's points with a plain-words detail.</summary>
public sealed record SuggestionReason(string Criterion, double Points, string Detail);

public sealed record ProposalAccepted(Guid ProposalId, Guid ClinicianId, [PersonalData] string? Note);

public enum DeclineReason { NoCapacity, NotAFit, OutOfScope, SchedulingConflict, PayerMismatch, Other }

public sealed record ProposalDeclined(Guid ProposalId, Guid ClinicianId, DeclineReason Reason, [PersonalData] string? Note);

public sealed record ProposalExpired(Guid ProposalId, Guid ClinicianId);

/// <summary>ClosesReferral: withdrawn because the referral is closing, so not a re-match.</summary>
public sealed record ProposalWithdrawn(Guid ProposalId, Guid ClinicianId, [PersonalData] string Reason, bool ClosesReferral = false);

public enum ContactChannel { Phone, Email, Sms }

public enum ContactOutcome { Reached, LeftMessage, NoAnswer }

public sealed record ContactAttempted(ContactChannel Channel, ContactOutcome Outcome, [PersonalData] string? Note);

/// <summary>OverrideReason: why a coordinator booked outside the clinician's hours (added 2026-12-07; older rows have none).</summary>
public sealed record FirstSessionBooked(
    Guid SessionId, Guid ClinicianId, DateTimeOffset StartsAt, int DurationMinutes, SessionFormat Format,
    [PersonalData] string? OverrideReason = null);

/// <summary>OverrideReason: why a coordinator moved it outside the clinician's hours (added 2026-12-07; older rows have none).</summary>
public sealed record FirstSessionRescheduled(
    Guid SessionId, Guid ClinicianId, DateTimeOffset PreviousStartsAt, DateTimeOffset StartsAt, int DurationMinutes,
    [PersonalData] string? OverrideReason = null);

public enum CancelledBy { Client, Clinician, Practice }

public sealed record FirstSessionCancelled(Guid SessionId, Guid ClinicianId, CancelledBy By, [PersonalData] string Reason);

public sealed record FirstSessionAttended(Guid SessionId, Guid ClinicianId, [PersonalData] string? Note);

public sealed record FirstSessionMissed(Guid SessionId, Guid ClinicianId, [PersonalData] string? Note);

public sealed record ReferralWaitlisted([PersonalData] string Reason);

public sealed record WaitlistCheckInDue(int CheckInNumber);

public enum ClosureOutcome { Engaged, Withdrawn, Unreachable, ReferredOut, Ineligible, Duplicate }

/// <summary>ClinicianId: the clinician who had accepted the client when it closed, if any.</summary>
public sealed record ReferralClosed(ClosureOutcome Outcome, [PersonalData] string? Note, Guid? ClinicianId = null);

public sealed record ClientDataErased(string Reason);

/// <summary>
/// A private link to the referral was given to the client (docs/adr/0032-client-link.md). Only the SHA-256 of the link's
/// token is kept; the token itself exists in the message that carries it and nowhere else. ReplacesEarlier: a coordinator
/// issued it, and every earlier link of the referral stops working.
/// </summary>
public sealed record ClientLinkIssued(Guid LinkId, string TokenHash, DateTimeOffset ExpiresAt, bool ReplacesEarlier);

/// <summary>The client corrected how to reach them through their link; a null member was left as it was.</summary>
public sealed record ClientContactCorrected([PersonalData] string? Email, [PersonalData] string? Phone, bool? TextMessagesOk);

/// <summary>A reminder of the first session went out, <paramref name="LeadTime"/> before its start, by the channels named.</summary>
public sealed record FirstSessionReminderSent(Guid SessionId, TimeSpan LeadTime, IReadOnlyList<ContactChannel> Channels);

/// <summary>The client replied STOP (or another opt-out keyword) to a text: no more texts until they reply START.</summary>
public sealed record TextMessagesStopped(string Keyword);

/// <summary>The client replied START (or UNSTOP) after stopping texts.</summary>
public sealed record TextMessagesResumed(string Keyword);
