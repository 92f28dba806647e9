using System.Globalization;
using Matching.Service.Shared;

namespace Matching.Service.Referrals;

/// <summary>
/// One plain sentence per referral event for timelines and audit trails. Built only from coded
/// values (statuses, reasons, channels, times), never from names, contact details or free-text
/// notes, so a summary can be shown to anyone allowed to see that the event happened.
/// </summary>
public static class EventSummaries
{
    public static string Describe(object eventData) => eventData switch
    {
        IntakeSubmitted e => $"Intake submitted ({Describe(e.Intake)})",
        RiskFlagged e => $"Urgent: risk flagged by the safety answer ({Code(e.Answer)})",
        RiskAcknowledged e => $"Risk acknowledged: {Code(e.ActionTaken)}",
        RiskEscalated e => $"Risk escalated: not acknowledged within {Minutes(e.Window)}",
        ReferralTriaged e => $"Triaged as {Code(e.Priority)}",
        MatchesSuggested e => e.Candidates.Count == 0
            ? $"Matches suggested: none eligible of {e.ConsideredCount}"
            : $"Matches suggested: {e.EligibleCount} eligible of {e.ConsideredCount}; top score {Score(e.Candidates[0].Score)}",
        MatchProposed e => e.OverrideReason is null
            ? $"Clinician proposed; response due {Time(e.ExpiresAt)}"
            : $"Clinician proposed with an override of the match filters; response due {Time(e.ExpiresAt)}",
        ProposalAccepted => "Proposal accepted",
        ProposalDeclined e => $"Proposal declined: {Code(e.Reason)}",
        ProposalExpired => "Proposal expired without a response",
        ProposalWithdrawn => "Proposal withdrawn",
        ContactAttempted e => $"Contact attempt by {Code(e.Channel)}: {Code(e.Outcome)}",
        FirstSessionBooked e => $"First session booked for {Time(e.StartsAt)} ({e.DurationMinutes} min, {Code(e.Format)})",
        FirstSessionRescheduled e => $"First session rescheduled from {Time(e.PreviousStartsAt)} to {Time(e.StartsAt)}",
        FirstSessionCancelled e => $"First session cancelled by {Code(e.By)}",
        FirstSessionAttended => "First session attended; referral closed (engaged)",
        FirstSessionMissed => "First session missed",
        ReferralWaitlisted => "Referral waitlisted",
        WaitlistCheckInDue e => $"Waitlist check-in {e.CheckInNumber} due",
        ReferralClosed e => $"Referral closed: {Code(e.Outcome)}",
        ClientDataErased => "Client personal data erased",
        // Events this list doesn't know yet read as their name: "MatchesSuggested" -> "Matches suggested".
        _ => Words.Label(eventData.GetType().Name)
    };

    private static string Describe(ReferralIntake intake)
    {
        var concerns = intake.Concerns is { Count: > 0 } list ? string.Join(", ", list.Select(c => Code(c))) : "no concerns given";
        return $"{Code(intake.SessionType)}; {concerns}";
    }

    private static string Code<T>(T value) where T : struct, Enum => Words.Wire(value);

    private static string Score(double score) => score.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mmzzz", CultureInfo.InvariantCulture);

    private static string Minutes(TimeSpan window) => window.TotalMinutes switch
    {
        1 => "1 minute",
        var m when m == Math.Floor(m) => $"{m:0} minutes",
        var m => $"{m:0.#} minutes"
    };
}
