using System.Text;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Matching.Service.Referrals;
using Matching.Service.Shared;

namespace Matching.Service.Notifications;

/// <summary>
/// The first session as an iCalendar (RFC 5545) invitation. One event per session: the UID comes from the
/// session id and SEQUENCE from <see cref="FirstSession.Revision"/>, so a calendar that holds the booking
/// moves it on a reschedule and removes it on a cancellation. No clinical details and no client data.
/// </summary>
public static class FirstSessionInvitation
{
    public const string FileName = "invite.ics";

    public static string Uid(Guid sessionId) => $"first-session-{sessionId:N}@matching";

    /// <param name="stamp">When the invitation is issued (DTSTAMP).</param>
    /// <param name="officeStates">Where the clinician sees clients in person, for the LOCATION of an in-person session.</param>
    /// <param name="officeAddress">The clinician's office, when known: the LOCATION of an in-person session.</param>
    /// <param name="telehealthLink">The clinician's video room, when known: the LOCATION of a telehealth session.</param>
    public static NotificationAttachment Attachment(
        FirstSession session, string clinicianName, IReadOnlyList<string> officeStates, string organizerEmail,
        TimeZoneInfo practiceZone, DateTimeOffset stamp, string? officeAddress = null, string? telehealthLink = null)
    {
        var cancelled = session.Status == FirstSessionStatus.Cancelled;
        var method = cancelled ? CalendarMethods.Cancel : CalendarMethods.Request;
        var calendar = new Calendar { ProductId = "-//Matching//First session//EN", Method = method };
        calendar.AddTimeZone(practiceZone);
        var start = TimeZoneInfo.ConvertTime(session.StartsAt, practiceZone).DateTime;
        calendar.Events.Add(new CalendarEvent
        {
            Uid = Uid(session.Id),
            Sequence = session.Revision,
            DtStamp = new CalDateTime(stamp.UtcDateTime, CalDateTime.UtcTzId),
            DtStart = new CalDateTime(start, practiceZone.Id),
            DtEnd = new CalDateTime(start.AddMinutes(session.DurationMinutes), practiceZone.Id),
            Summary = $"First session with {clinicianName}",
            Location = session.Format == SessionFormat.Telehealth
                ? telehealthLink is not null ? $"Telehealth (video): {telehealthLink}" : "Telehealth (video): the link comes from your clinician"
                : officeAddress is not null ? $"In person at {officeAddress}"
                : officeStates.Count > 0 ? $"In person at the office ({string.Join(", ", officeStates)})" : "In person at the office",
            Organizer = new Organizer($"mailto:{organizerEmail}"),
            Status = cancelled ? EventStatus.Cancelled : EventStatus.Confirmed,
        });
        var text = new CalendarSerializer().SerializeToString(calendar) ?? "";
        return new NotificationAttachment(FileName, $"text/calendar; method={method}; charset=utf-8", Encoding.UTF8.GetBytes(text));
    }
}
