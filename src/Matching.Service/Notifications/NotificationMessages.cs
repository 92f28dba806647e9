using System.Globalization;
using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Shared;
using Microsoft.Extensions.Options;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;

namespace Matching.Service.Notifications;

// Notifications travel as durable Wolverine messages cascaded from the command or timer that appends
// the event, so they leave through the outbox only when that event commits. They carry ids only:
// personal data is read when the message is sent, not stored in the message tables.

/// <summary>Tells a clinician a proposal awaits their answer.</summary>
public sealed record NotifyClinicianOfProposal(Guid ReferralId, Guid ProposalId);

/// <summary>Tells the coordinator team an urgent referral's risk went unacknowledged.</summary>
public sealed record NotifyCoordinatorsOfEscalation(Guid ReferralId);

/// <summary>
/// Tells the client when and how their first session takes place, or that it moved or was cancelled:
/// <paramref name="Revision"/> is the session's <see cref="FirstSession.Revision"/> after the change (0 when booked).
/// </summary>
public sealed record NotifyClientOfFirstSession(Guid ReferralId, Guid SessionId, int Revision = 0);

/// <summary>Tells the clinician of the booking, reschedule or cancellation of a first session with them.</summary>
public sealed record NotifyClinicianOfFirstSession(Guid ReferralId, Guid SessionId, int Revision = 0);

/// <summary>
/// The same news by text message, when the client gave a phone number and agreed to texts. A message of its own, so a
/// provider outage retries the text alone and the email is not sent twice.
/// </summary>
public sealed record TextClientOfFirstSession(Guid ReferralId, Guid SessionId);

public static class NotifyClinicianOfProposalHandler
{
    /// <summary>No client data: the clinician sees who the client is only after accepting.</summary>
    public static Notification? Compose(NotifyClinicianOfProposal message, Referral? referral, Clinician? clinician)
    {
        var proposal = referral?.Proposals.FirstOrDefault(p => p.Id == message.ProposalId);
        if (proposal is not { Status: ProposalStatus.Pending } || clinician is null) return null;
        var deadline = InZone(proposal.ExpiresAt, clinician.Profile.TimeZone);
        return new Notification(NotificationKind.ProposalToClinician, message.ReferralId, clinician.Profile.Email,
            "A new referral is waiting for your answer",
            $"""
             Hello {clinician.Profile.Name},

             A coordinator has proposed a new client to you. The summary is in your proposal inbox.
             Please accept or decline by {deadline}; after that the proposal lapses and the client is matched with someone else.

             Proposal {proposal.Id}
             """);
    }

    public static async Task Handle(
        NotifyClinicianOfProposal message, IQuerySession session, INotificationSender sender, CancellationToken cancellation)
    {
        var referral = await session.LoadAsync<Referral>(message.ReferralId, cancellation);
        var proposal = referral?.Proposals.FirstOrDefault(p => p.Id == message.ProposalId);
        var clinician = proposal is null ? null : await session.LoadAsync<Clinician>(proposal.ClinicianId, cancellation);
        if (Compose(message, referral, clinician) is { } notification) await sender.SendAsync(notification, cancellation);
    }

    internal static string InZone(DateTimeOffset instant, string? zoneId)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(zoneId ?? "", out var found) ? found : TimeZoneInfo.Utc;
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        return local.ToString("dddd d MMMM yyyy, h:mm tt", CultureInfo.InvariantCulture) + $" ({zone.Id})";
    }
}

public static class NotifyCoordinatorsOfEscalationHandler
{
    public static Notification? Compose(NotifyCoordinatorsOfEscalation message, Referral? referral, string? teamEmail)
    {
        if (referral?.Risk is not { Escalated: true } risk) return null;
        return new Notification(NotificationKind.EscalationToCoordinators, message.ReferralId, teamEmail ?? "",
            "Urgent referral: risk not acknowledged",
            $"""
             An urgent referral flagged at {risk.FlaggedAt:u} has had no risk acknowledgement within the acknowledgement window.
             Please open referral {message.ReferralId} in the coordinator queue and act now.
             """);
    }

    public static async Task Handle(
        NotifyCoordinatorsOfEscalation message, IQuerySession session, INotificationSender sender,
        IOptions<NotificationOptions> options, CancellationToken cancellation)
    {
        var referral = await session.LoadAsync<Referral>(message.ReferralId, cancellation);
        if (Compose(message, referral, options.Value.CoordinatorTeamEmail) is { } notification)
            await sender.SendAsync(notification, cancellation);
    }
}

/// <summary>What the first-session notifications need, read when they are sent.</summary>
public sealed record FirstSessionNotice(Referral Referral, FirstSession Session, Clinician? Clinician, string Organizer, TimeZoneInfo PracticeZone, DateTimeOffset Now)
{
    /// <summary>
    /// The referral's first session if the message still describes it: the same session at the same revision.
    /// A later reschedule or the cancellation sends its own message, so an outdated one sends nothing.
    /// </summary>
    public static FirstSession? Current(Referral? referral, Guid sessionId, int revision) =>
        referral?.FirstSession is { Status: FirstSessionStatus.Booked or FirstSessionStatus.Cancelled } session
        && session.Id == sessionId && session.Revision == revision
            ? session
            : null;

    public static async Task<FirstSessionNotice?> Load(
        Guid referralId, Guid sessionId, int revision, IQuerySession session, MatchingOptions options, IOptions<SmtpOptions> smtp,
        TimeProvider time, CancellationToken cancellation)
    {
        var referral = await session.LoadAsync<Referral>(referralId, cancellation);
        if (Current(referral, sessionId, revision) is not { } first) return null;
        var clinician = await session.LoadAsync<Clinician>(first.ClinicianId, cancellation);
        return new FirstSessionNotice(referral!, first, clinician, smtp.Value.From, options.TimeZone, time.GetUtcNow());
    }

    public string ClinicianName => Clinician?.Profile.Name ?? "your clinician";

    public bool Cancelled => Session.Status == FirstSessionStatus.Cancelled;

    /// <summary>"Wednesday 9 December 2026 at 10:00 AM MST": in the practice's zone, with its abbreviation.</summary>
    public string When =>
        PracticeTime.Local(Session.StartsAt, PracticeZone).ToString("dddd d MMMM yyyy 'at' h:mm tt", CultureInfo.InvariantCulture)
        + " " + PracticeTime.Abbreviation(Session.StartsAt, PracticeZone);

    public NotificationAttachment Invitation() => FirstSessionInvitation.Attachment(
        Session, ClinicianName, Clinician?.Profile.OfficeStates ?? [], Organizer, PracticeZone, Now,
        Clinician?.Profile.OfficeAddress, Clinician?.Profile.TelehealthLink);
}

public static class NotifyClientOfFirstSessionHandler
{
    public static Notification? Compose(NotifyClientOfFirstSession message, FirstSessionNotice? notice)
    {
        if (notice is null || notice.Referral.PersonalDataErased) return null;
        var session = notice.Session;
        var how = session.Format == SessionFormat.Telehealth ? "by video (telehealth)" : "in person at our office";
        var (subject, news) = notice.Cancelled
            ? ("Your first session is cancelled",
                $"Your first session with {notice.ClinicianName} on {notice.When} is cancelled. We'll be in touch to find another time, or just reply to this email.")
            : session.Reschedules > 0
                ? ("Your first session has moved",
                    $"Your first session with {notice.ClinicianName} has moved to {notice.When}, {how}, for {session.DurationMinutes} minutes.")
                : ("Your first session is booked",
                    $"Your first session with {notice.ClinicianName} is booked for {notice.When}, {how}, for {session.DurationMinutes} minutes.");
        var client = notice.Referral.Intake.Client;
        return new Notification(NotificationKind.FirstSessionToClient, message.ReferralId, client.Email ?? "", subject,
            $"""
             Hello {client.FirstName},

             {news}
             The attached invitation updates your calendar.
             If that time no longer works, just reply or call us and we'll find another. You don't have to navigate this alone.
             """,
            [notice.Invitation()]);
    }

    /// <summary>Sends the email, then hands the text to its own durable message (sent once this one succeeds).</summary>
    public static async Task<TextClientOfFirstSession?> Handle(
        NotifyClientOfFirstSession message, IQuerySession session, INotificationSender sender, MatchingOptions options,
        IOptions<SmtpOptions> smtp, TimeProvider time, CancellationToken cancellation)
    {
        var notice = await FirstSessionNotice.Load(message.ReferralId, message.SessionId, message.Revision, session, options, smtp, time, cancellation);
        if (Compose(message, notice) is { } notification) await sender.SendAsync(notification, cancellation);
        // Texts confirm the first booking; a move or a cancellation goes by email.
        return message.Revision == 0 ? new TextClientOfFirstSession(message.ReferralId, message.SessionId) : null;
    }
}

public static class NotifyClinicianOfFirstSessionHandler
{
    /// <summary>
    /// The client's first name and last initial only: the clinician, who accepted, finds their contact details
    /// in the proposal inbox (after an erasure, not even those).
    /// </summary>
    public static Notification? Compose(NotifyClinicianOfFirstSession message, FirstSessionNotice? notice)
    {
        if (notice?.Clinician is not { } clinician) return null;
        var named = notice.Referral.Intake.Client;
        var client = notice.Referral.PersonalDataErased || string.IsNullOrWhiteSpace(named.FirstName) ? "your new client"
            : string.IsNullOrWhiteSpace(named.LastName) ? named.FirstName : $"{named.FirstName} {named.LastName.Trim()[0]}.";
        var session = notice.Session;
        var format = session.Format == SessionFormat.Telehealth ? "telehealth" : "in person";
        var (subject, news) = notice.Cancelled
            ? ("First session cancelled", $"The first session with {client} on {notice.When} is cancelled; the time is free again.")
            : session.Reschedules > 0
                ? ("First session moved", $"The first session with {client} has moved to {notice.When} ({format}, {session.DurationMinutes} minutes).")
                : ("First session booked", $"A first session with {client} is booked for {notice.When} ({format}, {session.DurationMinutes} minutes).");
        return new Notification(NotificationKind.FirstSessionToClinician, message.ReferralId, clinician.Profile.Email, subject,
            $"""
             Hello {clinician.Profile.Name},

             {news}
             The client's contact details are in your proposal inbox under the accepted proposal.
             """,
            [notice.Invitation()]);
    }

    public static async Task Handle(
        NotifyClinicianOfFirstSession message, IQuerySession session, INotificationSender sender, MatchingOptions options,
        IOptions<SmtpOptions> smtp, TimeProvider time, CancellationToken cancellation)
    {
        var notice = await FirstSessionNotice.Load(message.ReferralId, message.SessionId, message.Revision, session, options, smtp, time, cancellation);
        if (Compose(message, notice) is { } notification) await sender.SendAsync(notification, cancellation);
    }
}

public static class FirstSessionNotices
{
    /// <summary>
    /// Cascaded by a reschedule or cancellation, so both hear of it only if the change commits. Either one revises
    /// the session's invitation once: the revision after it is one past the reschedules before it.
    /// </summary>
    public static OutgoingMessages AfterChange(Referral before)
    {
        var session = before.FirstSession!;
        return [new NotifyClientOfFirstSession(before.Id, session.Id, session.Reschedules + 1),
            new NotifyClinicianOfFirstSession(before.Id, session.Id, session.Reschedules + 1)];
    }
}

public static class TextClientOfFirstSessionHandler
{
    /// <summary>
    /// Only what the client needs to show up: no name (a phone may be shared, and a lock screen shows the text), the time
    /// in the practice's zone with its abbreviation, the format and length. Null when there is nothing to send: no
    /// consent to texts or a STOP since (<see cref="Referral.MayText"/>), no valid number, the session changed, or the client's data erased.
    /// </summary>
    public static TextMessage? Compose(TextClientOfFirstSession message, Referral? referral, TimeZoneInfo practiceZone, ILogger logger)
    {
        if (referral is null || referral.PersonalDataErased) return null;
        if (referral.FirstSession is not { Status: FirstSessionStatus.Booked } session || session.Id != message.SessionId) return null;
        if (ClientMessages.TextableNumber(referral, NotificationKind.FirstSessionToClient, logger) is not { } to) return null;
        var how = session.Format == Shared.SessionFormat.Telehealth ? "by video" : "in person at our office";
        return new TextMessage(NotificationKind.FirstSessionToClient, message.ReferralId, to,
            $"Your first session is booked: {Shared.PracticeTime.Moment(session.StartsAt, practiceZone)}, {how}, "
            + $"{session.DurationMinutes} min. Need another time? Reply or call us. {ClientMessages.StopTexts}");
    }

    public static void Configure(HandlerChain chain) => ClientMessages.RetryOutages(chain);

    public static async Task Handle(
        TextClientOfFirstSession message, IQuerySession session, ISmsSender sender, MatchingOptions options,
        ILogger<TextMessage> logger, CancellationToken cancellation)
    {
        var referral = await session.LoadAsync<Referral>(message.ReferralId, cancellation);
        if (Compose(message, referral, options.TimeZone, logger) is { } text) await sender.SendAsync(text, cancellation);
    }
}
