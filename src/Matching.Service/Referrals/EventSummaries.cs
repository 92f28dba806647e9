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
    /// <summary>That a session lies outside the clinician's hours, not the reason given (free text).</summary>
    private static string OutsideHours(string? overrideReason) => overrideReason is null ? "" : ", outside the clinician's hours";

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
        FirstSessionBooked e => $"First session booked for {Time(e.StartsAt)} ({e.DurationMinutes} min, {Code(e.Format)}){OutsideHours(e.OverrideReason)}",
        FirstSessionRescheduled e => $"First session rescheduled from {Time(e.PreviousStartsAt)} to {Time(e.StartsAt)}{OutsideHours(e.OverrideReason)}",
        FirstSessionCancelled e => $"First session cancelled by {Code(e.By)}",
        FirstSessionAttended => "First session attended; referral closed (engaged)",
        FirstSessionMissed => "First session missed",
        ReferralWaitlisted => "Referral waitlisted",
        WaitlistCheckInDue e => $"Waitlist check-in {e.CheckInNumber} due",
        ReferralClosed e => $"Referral closed: {Code(e.Outcome)}",
        ClientDataErased => "Client personal data erased",
        ClientLinkIssued e => e.ReplacesEarlier
            ? $"Client link reissued, earlier links revoked; expires {Time(e.ExpiresAt)}"
            : $"Client link issued; expires {Time(e.ExpiresAt)}",
        ClientContactCorrected e => $"Client corrected their contact details ({Corrected(e)})",
        FirstSessionReminderSent e => $"First session reminder sent {Words.Duration(e.LeadTime)} ahead by {string.Join(" and ", e.Channels.Select(c => Code(c)))}",
        TextMessagesStopped => "Client opted out of text messages",
        TextMessagesResumed => "Client opted back in to text messages",
        Fhir.PartnerReferralReceived e => $"Referral received over {e.Source.ToUpperInvariant()} from {e.Organization}{(e.UrgentRequested ? " (urgent requested)" : "")}",
        // Events this list doesn't know yet read as their name: "MatchesSuggested" -> "Matches suggested".
        _ => Words.Label(eventData.GetType().Name)
    };

    /// <summary>
    /// The sentence a coordinator reads on the referral's page: words instead of codes, the clinician named, times in
    /// the practice's zone. Still no client's personal data or notes; events it doesn't reword read as <see cref="Describe(object)"/>.
    /// </summary>
    public static string Readable(object eventData, TimeZoneInfo zone, Func<Guid, string?> clinicianName)
    {
        string Name(Guid id) => clinicianName(id) ?? "a clinician no longer listed";
        string At(DateTimeOffset at) => PracticeTime.Moment(at, zone);
        return eventData switch
        {
            IntakeSubmitted e => $"Intake submitted ({Words.Of(e.Intake.SessionType)} therapy; {Concerns(e.Intake, Words.Of)})",
            RiskFlagged e => $"Urgent: the safety answer flagged a risk ({Words.Of(e.Answer)})",
            RiskAcknowledged e => $"Risk acknowledged: {Words.Of(e.ActionTaken)}",
            ReferralTriaged e => $"Triaged as {Words.Of(e.Priority)}",
            MatchProposed e => $"Proposed to {Name(e.ClinicianId)}{(e.OverrideReason is null ? "" : ", overriding the match filters")}; answer due {At(e.ExpiresAt)}",
            ProposalAccepted e => $"{Name(e.ClinicianId)} accepted the proposal",
            ProposalDeclined e => $"{Name(e.ClinicianId)} declined the proposal: {Words.Of(e.Reason)}",
            ProposalExpired e => $"The proposal to {Name(e.ClinicianId)} expired without an answer",
            ProposalWithdrawn e => $"The proposal to {Name(e.ClinicianId)} was withdrawn",
            ContactAttempted e => $"{Channel(e.Channel)}: {Words.Of(e.Outcome)}",
            FirstSessionBooked e => $"First session booked with {Name(e.ClinicianId)} for {At(e.StartsAt)} ({e.DurationMinutes} min, {Words.Of(e.Format)}){OutsideHours(e.OverrideReason)}",
            FirstSessionRescheduled e => $"First session with {Name(e.ClinicianId)} moved from {At(e.PreviousStartsAt)} to {At(e.StartsAt)}{OutsideHours(e.OverrideReason)}",
            FirstSessionCancelled e => $"First session with {Name(e.ClinicianId)} cancelled by the {Words.Of(e.By)}",
            FirstSessionAttended e => $"First session with {Name(e.ClinicianId)} attended; referral closed (engaged)",
            FirstSessionMissed e => $"First session with {Name(e.ClinicianId)} missed",
            ReferralClosed e => $"Referral closed: {Words.Of(e.Outcome)}",
            ClientLinkIssued e => e.ReplacesEarlier
                ? $"A new link was given to the client (earlier links no longer work); it works until {At(e.ExpiresAt)}"
                : $"A link was sent to the client; it works until {At(e.ExpiresAt)}",
            ClientContactCorrected e => $"The client corrected their {Corrected(e)}",
            FirstSessionReminderSent e => $"Reminder of the first session sent {Words.Duration(e.LeadTime)} ahead by {string.Join(" and ", e.Channels.Select(Channel).Select(c => c.ToLowerInvariant()))}",
            TextMessagesStopped => "The client replied STOP: no more text messages",
            TextMessagesResumed => "The client replied START: text messages resumed",
            _ => Describe(eventData)
        };
    }

    /// <summary>Which details changed, never their values.</summary>
    private static string Corrected(ClientContactCorrected e)
    {
        var parts = new List<string>();
        if (e.Email is not null) parts.Add("email");
        if (e.Phone is not null) parts.Add("phone");
        if (e.TextMessagesOk is { } ok) parts.Add(ok ? "consent to texts" : "texts turned off");
        return parts.Count == 0 ? "nothing" : string.Join(", ", parts);
    }

    private static string Channel(ContactChannel channel) => channel switch
    {
        ContactChannel.Phone => "Phone call",
        ContactChannel.Sms => "Text message",
        _ => Words.Label(channel)
    };

    private static string Concerns(ReferralIntake intake, Func<Concern, string> word) =>
        intake.Concerns is { Count: > 0 } list ? string.Join(", ", list.Select(word)) : "no concerns given";

    private static string Describe(ReferralIntake intake)
    {
        return $"{Code(intake.SessionType)}; {Concerns(intake, c => Code(c))}";
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
