using JasperFx;
using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Referrals.ClientLink;
using Matching.Service.Shared;
using Microsoft.Extensions.Options;
using Wolverine;
using Wolverine.Attributes;
using Wolverine.Marten;
using Wolverine.Runtime.Handlers;

namespace Matching.Service.Notifications;

/// <summary>
/// Reminds the client of their first session <paramref name="LeadTime"/> before <paramref name="StartsAt"/>. Scheduled
/// durably by the booking or the reschedule that set that start; when it comes due for a session that has since moved or
/// been cancelled, it sends nothing.
/// </summary>
public sealed record RemindOfFirstSession(Guid ReferralId, Guid SessionId, DateTimeOffset StartsAt, TimeSpan LeadTime);

/// <summary>The reminder's email, cascaded once <see cref="FirstSessionReminderSent"/> commits; the link opens the client's page.</summary>
public sealed record SendFirstSessionReminder(Guid ReferralId, Guid SessionId, TimeSpan LeadTime, SealedClientLink Link);

/// <summary>The reminder's text: a message of its own, so a provider outage retries the text alone.</summary>
public sealed record TextFirstSessionReminder(Guid ReferralId, Guid SessionId, TimeSpan LeadTime, SealedClientLink Link);

public static class FirstSessionReminders
{
    /// <summary>
    /// The reminders a session starting at <paramref name="startsAt"/> gets, one per lead time still ahead: cascaded by
    /// every booking and reschedule, so they are scheduled only if it commits. A delay rather than an instant, as for the
    /// proposal's expiry: Wolverine schedules on its own clock, the handler checks the time on ours.
    /// </summary>
    public static IEnumerable<object> For(Guid referralId, Guid sessionId, DateTimeOffset startsAt, MatchingOptions options, DateTimeOffset now) =>
        options.ReminderLeads
            .Where(lead => startsAt - lead > now)
            .Select(lead => (object)new RemindOfFirstSession(referralId, sessionId, startsAt, lead).DelayedFor(startsAt - lead - now));

    /// <summary>
    /// The referral's first session if a reminder of it still stands: the same session, still booked, and its reminder at
    /// <paramref name="leadTime"/> recorded since it was last moved (a reschedule empties <see cref="FirstSession.RemindersSent"/>).
    /// </summary>
    public static FirstSession? Reminded(Referral? referral, Guid sessionId, TimeSpan leadTime) =>
        referral is { PersonalDataErased: false, FirstSession: { Status: FirstSessionStatus.Booked } session }
        && session.Id == sessionId && session.RemindersSent.Contains(leadTime)
            ? session
            : null;
}

public static class RemindOfFirstSessionHandler
{
    /// <summary>
    /// Records the reminder once, for the session as it stands: nothing when the session moved, was cancelled or held,
    /// when this lead time (or a shorter one, after an outage delayed this) was already sent, when the session has begun,
    /// when the client's data was erased, or when there is no way to reach the client. Fired early: look again when due.
    /// </summary>
    public static TimerDecision Decide(Referral referral, RemindOfFirstSession message, DateTimeOffset now)
    {
        if (referral.PersonalDataErased) return TimerDecision.Nothing;
        if (referral.FirstSession is not { Status: FirstSessionStatus.Booked } session
            || session.Id != message.SessionId || session.StartsAt != message.StartsAt) return TimerDecision.Nothing;
        if (session.RemindersSent.Any(sent => sent <= message.LeadTime) || now >= session.StartsAt) return TimerDecision.Nothing;
        var dueAt = session.StartsAt - message.LeadTime;
        if (now < dueAt) return TimerDecision.Early(dueAt);
        List<ContactChannel> channels = [];
        if (ClientMessages.EmailOf(referral) is not null) channels.Add(ContactChannel.Email);
        if (referral.MayText) channels.Add(ContactChannel.Sms);
        return channels.Count == 0
            ? TimerDecision.Nothing
            : TimerDecision.Append(new FirstSessionReminderSent(session.Id, message.LeadTime, channels));
    }

    /// <summary>
    /// The reminder's event, a fresh link for the messages and the messages themselves, in one transaction on the stream's
    /// version: of two nodes handling the same reminder one commits, the other fails on the version, reloads, finds the
    /// reminder sent and sends nothing (docs/adr/0034-confirmation-and-reminders.md).
    /// </summary>
    [RetryNow(typeof(ConcurrencyException), 50, 200, 500)]
    public static (Events, OutgoingMessages) Handle(
        RemindOfFirstSession message, [WriteAggregate] Referral referral, IDocumentSession session, ClientLinkSealer sealer,
        TimeProvider time, MatchingOptions options)
    {
        var now = time.GetUtcNow();
        var decision = Decide(referral, message, now);
        var outgoing = new OutgoingMessages();
        if (decision.LookAgainAt is { } at) outgoing.Add(message.DelayedFor(at - now));
        if (decision.Events.OfType<FirstSessionReminderSent>().SingleOrDefault() is not { } sent) return (new Events(decision.Events), outgoing);

        var link = ClientLinks.Issue(referral.Id, now, options.ClientLinkLifetime, replacesEarlier: false);
        ClientLinks.Keep(session, link);
        var sealedLink = SealedClientLink.Of(link, sealer);
        if (sent.Channels.Contains(ContactChannel.Email))
            outgoing.Add(new SendFirstSessionReminder(referral.Id, sent.SessionId, sent.LeadTime, sealedLink));
        if (sent.Channels.Contains(ContactChannel.Sms))
            outgoing.Add(new TextFirstSessionReminder(referral.Id, sent.SessionId, sent.LeadTime, sealedLink));
        return (new Events([sent, link.Issued]), outgoing);
    }
}

/// <summary>Where and how the first session takes place, as the reminders say it.</summary>
internal static class SessionPlace
{
    public static string Email(FirstSession session, ClinicianProfile? clinician) => session.Format == SessionFormat.Telehealth
        ? clinician?.TelehealthLink is { } link
            ? $"By video. Join a few minutes early here: {link}"
            : "By video. Your clinician will send you the link to join."
        : clinician?.OfficeAddress is { } address
            ? $"In person at {address}."
            : "In person at our office.";

    public static string Text(FirstSession session, ClinicianProfile? clinician) => session.Format == SessionFormat.Telehealth
        ? clinician?.TelehealthLink is { } link ? $"by video ({link})" : "by video"
        : clinician?.OfficeAddress is { } address ? $"in person at {address}" : "in person at our office";
}

public static class SendFirstSessionReminderHandler
{
    /// <summary>
    /// When (in the practice's zone, with its abbreviation), how long, where or how to join, and how to change it: from
    /// the link while the change cutoff allows, otherwise by reply or phone. The invitation is attached again, so a
    /// calendar that missed the booking's email still gets the session. Null when there is no email address.
    /// </summary>
    public static Notification? Compose(SendFirstSessionReminder message, FirstSessionNotice? notice, string? linkUrl, MatchingOptions options)
    {
        if (notice is null || ClientMessages.EmailOf(notice.Referral) is not { } email) return null;
        var session = notice.Session;
        var profile = notice.Clinician?.Profile;
        var with = profile?.Credentials is { } credentials ? $"{notice.ClinicianName}, {credentials}" : notice.ClinicianName;
        var change = linkUrl is null
            ? $"If that time no longer works, please let us know. {ClientMessages.HowToReachUs(options)}"
            : options.ClientMayChange(session.StartsAt, notice.Now)
                ? $"Need another time, or can't make it after all? You can reschedule or cancel on your page until "
                  + $"{PracticeTime.Moment(options.ClientChangeableUntil(session.StartsAt), notice.PracticeZone)}:\n{linkUrl}"
                : $"Your page shows the session's details:\n{linkUrl}\nIt's too close to the session to change it online, but if "
                  + $"something comes up, please let us know. {ClientMessages.HowToReachUs(options)}";
        return new Notification(NotificationKind.FirstSessionReminderToClient, message.ReferralId, email,
            $"Reminder: your first session, {PracticeTime.Moment(session.StartsAt, notice.PracticeZone)}",
            $"""
             Hello {notice.Referral.Intake.Client.FirstName},

             A friendly reminder of your first session with {with}.

             When: {notice.When} ({session.DurationMinutes} minutes)
             Where: {SessionPlace.Email(session, profile)}

             {change}

             The attached invitation keeps your calendar up to date. It's normal to feel a little nervous before a first session: your clinician will take it at your pace.
             """,
            [notice.Invitation()]);
    }

    public static async Task Handle(
        SendFirstSessionReminder message, IQuerySession session, INotificationSender sender, ClientLinkSealer sealer, MatchingOptions options,
        IOptions<SmtpOptions> smtp, TimeProvider time, CancellationToken cancellation)
    {
        var referral = await session.LoadAsync<Referral>(message.ReferralId, cancellation);
        if (FirstSessionReminders.Reminded(referral, message.SessionId, message.LeadTime) is not { } first) return;
        var clinician = await session.LoadAsync<Clinician>(first.ClinicianId, cancellation);
        var now = time.GetUtcNow();
        var notice = new FirstSessionNotice(referral!, first, clinician, smtp.Value.From, options.TimeZone, now);
        if (Compose(message, notice, message.Link.Url(referral!, sealer, options, now), options) is { } notification)
            await sender.SendAsync(notification, cancellation);
    }
}

public static class TextFirstSessionReminderHandler
{
    /// <summary>No name (lock screens): the time in the practice's zone, the format and length, where, and the link.</summary>
    public static TextMessage? Compose(
        TextFirstSessionReminder message, Referral? referral, FirstSession? session, ClinicianProfile? clinician, string? linkUrl,
        MatchingOptions options, DateTimeOffset now, ILogger logger)
    {
        if (session is null || ClientMessages.TextableNumber(referral, NotificationKind.FirstSessionReminderToClient, logger) is not { } to)
            return null;
        var cantMakeIt = options.PracticePhone is { } phone ? $"Can't make it? Call us at {phone}." : "Can't make it? Reply to let us know.";
        var change = linkUrl is null ? cantMakeIt
            : options.ClientMayChange(session.StartsAt, now) ? $"To reschedule or cancel: {linkUrl}"
            : $"Details: {linkUrl} {cantMakeIt}";
        return new TextMessage(NotificationKind.FirstSessionReminderToClient, message.ReferralId, to,
            $"Reminder: your first session is {PracticeTime.Moment(session.StartsAt, options.TimeZone)}, {SessionPlace.Text(session, clinician)}, "
            + $"{session.DurationMinutes} min. {change} {ClientMessages.StopTexts}");
    }

    public static void Configure(HandlerChain chain) => ClientMessages.RetryOutages(chain);

    public static async Task Handle(
        TextFirstSessionReminder message, IQuerySession session, ISmsSender sender, ClientLinkSealer sealer, MatchingOptions options,
        TimeProvider time, ILogger<TextMessage> logger, CancellationToken cancellation)
    {
        var referral = await session.LoadAsync<Referral>(message.ReferralId, cancellation);
        if (FirstSessionReminders.Reminded(referral, message.SessionId, message.LeadTime) is not { } first) return;
        var clinician = await session.LoadAsync<Clinician>(first.ClinicianId, cancellation);
        var now = time.GetUtcNow();
        if (Compose(message, referral, first, clinician?.Profile, message.Link.Url(referral!, sealer, options, now), options, now, logger) is { } text)
            await sender.SendAsync(text, cancellation);
    }
}
