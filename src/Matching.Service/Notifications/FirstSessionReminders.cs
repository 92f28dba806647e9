using Matching.Service.Infrastructure;
using Wolverine;

namespace Matching.Service.Notifications;

/// <summary>
/// Reminds the client of their first session <paramref name="LeadTime"/> before <paramref name="StartsAt"/>. Scheduled
/// durably by the booking or the reschedule that set that start; when it comes due for a session that has since moved or
/// been cancelled, it sends nothing.
/// </summary>
public sealed record RemindOfFirstSession(Guid ReferralId, Guid SessionId, DateTimeOffset StartsAt, TimeSpan LeadTime);

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
}
