using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Infrastructure;
using Matching.Service.Matching;
using Matching.Service.Shared;

namespace Matching.Service.Referrals.Booking;

/// <summary>
/// A clinician's weekly hours as bookings read them: the windows in the clinician's own zone (as the matching engine
/// reads them; the practice's zone in the demo) and the formats they offer.
/// </summary>
public sealed record ClinicianHours(IReadOnlyList<AvailabilityWindow> Windows, TimeZoneInfo Zone, IReadOnlyList<SessionFormat> Formats)
{
    public static ClinicianHours Of(Clinician clinician) =>
        new(clinician.Availability, WeeklyAvailability.Zone(clinician.Profile.TimeZone), clinician.Profile.Formats);
}

/// <summary>A time a first session can be booked, and the formats both the client and the clinician accept for it.</summary>
public sealed record OpenSlot(DateTimeOffset StartsAt, int DurationMinutes, IReadOnlyList<SessionFormat> Formats);

/// <summary>A session already booked with the clinician, half-open [StartsAt, EndsAt).</summary>
public sealed record BookedTime(DateTimeOffset StartsAt, DateTimeOffset EndsAt);

/// <summary>
/// Open slots: the clinician's weekly windows, day by day in their zone, cut into sessions that start on the window's start
/// and every <see cref="StepMinutes"/> after it (so on the hour and half hour for windows that start there) and end inside
/// the window, minus every slot that overlaps a booked session (one that ends as a slot starts is kept), from
/// now + the booking notice to <see cref="HorizonDays"/> ahead. Wall-clock times: a 09:00 window stays 09:00 across a DST
/// change; a start the change skips is not offered, a start it repeats is offered once, at its first occurrence.
/// </summary>
public static class OpenSlots
{
    public const int StepMinutes = 30;
    public const int HorizonDays = 21;

    public static IReadOnlyList<OpenSlot> Compute(
        ClinicianHours hours, FormatPreference client, IEnumerable<BookedTime> booked, DateTimeOffset now, TimeSpan notice,
        int durationMinutes = BookFirstSession.DefaultDurationMinutes)
    {
        var formats = hours.Formats.Where(f => BookFirstSessionHandler.Accepts(client, f)).Distinct().Order().ToList();
        if (formats.Count == 0) return [];
        var taken = booked.ToList();
        var earliest = now + notice;
        var latest = now.AddDays(HorizonDays);
        var duration = TimeSpan.FromMinutes(durationMinutes);
        var slots = new List<OpenSlot>();
        var firstDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(earliest, hours.Zone).DateTime);
        var lastDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(latest, hours.Zone).DateTime);
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            foreach (var window in hours.Windows)
            {
                if (window.Day is not { } weekDay || DayOf(day) != weekDay || !window.TryParse(out var from, out var to)) continue;
                for (var start = from.ToTimeSpan(); start + duration <= to.ToTimeSpan(); start += TimeSpan.FromMinutes(StepMinutes))
                {
                    if (Instant(day.ToDateTime(TimeOnly.MinValue) + start, hours.Zone) is not { } startsAt) continue;
                    var endsAt = startsAt + duration;
                    if (startsAt < earliest || startsAt > latest) continue;
                    if (taken.Any(b => b.StartsAt < endsAt && startsAt < b.EndsAt)) continue;
                    slots.Add(new OpenSlot(startsAt, durationMinutes, formats));
                }
            }
        }

        return slots.DistinctBy(s => s.StartsAt).OrderBy(s => s.StartsAt).ToList();
    }

    /// <summary>Whether a session lies wholly inside one of the clinician's windows on its day, in their zone.</summary>
    public static bool WithinHours(ClinicianHours hours, DateTimeOffset startsAt, int durationMinutes)
    {
        var start = TimeZoneInfo.ConvertTime(startsAt, hours.Zone);
        var end = TimeZoneInfo.ConvertTime(startsAt.AddMinutes(durationMinutes), hours.Zone);
        if (end.Date != start.Date) return false;
        var day = DayOf(DateOnly.FromDateTime(start.DateTime));
        return hours.Windows.Any(w => w.Day == day && w.TryParse(out var from, out var to)
                                      && TimeOnly.FromTimeSpan(start.TimeOfDay) >= from && TimeOnly.FromTimeSpan(end.TimeOfDay) <= to);
    }

    /// <summary>
    /// 409 outsideAvailability for a session outside the clinician's hours unless a reason is given. A clinician whose
    /// hours can't be read (none accepted yet) is left to the state checks before this one.
    /// </summary>
    public static Microsoft.AspNetCore.Mvc.ProblemDetails Within(ClinicianHours? hours, DateTimeOffset startsAt, int durationMinutes, string? overrideReason) =>
        hours is null || Reason(overrideReason) is not null || WithinHours(hours, startsAt, durationMinutes)
            ? Problems.NoProblems
            : Problems.Conflict(
                "This time is outside the clinician's weekly hours: choose one of their open times, or give a reason for booking outside them.",
                "outsideAvailability");

    /// <summary>The override reason as events keep it: trimmed, none when blank.</summary>
    public static string? Reason(string? overrideReason) => string.IsNullOrWhiteSpace(overrideReason) ? null : overrideReason.Trim();

    /// <summary>A clinician's hours by id, or null for none or an unknown one.</summary>
    public static async Task<ClinicianHours?> HoursAsync(IQuerySession session, Guid? clinicianId, CancellationToken token) =>
        clinicianId is { } id && await session.LoadAsync<Clinician>(id, token) is { } clinician ? ClinicianHours.Of(clinician) : null;

    /// <summary>
    /// The sessions booked with a clinician that end after <paramref name="from"/>, from the slot table; but the one of
    /// <paramref name="exceptReferral"/>, whose own session doesn't block its move.
    /// </summary>
    public static async Task<IReadOnlyList<BookedTime>> BookedAsync(
        IQuerySession session, Guid clinicianId, DateTimeOffset from, Guid exceptReferral, CancellationToken token)
    {
        // Start then end of each session, in order, as one column of scalars.
        var bounds = await session.AdvancedSql.QueryAsync<DateTimeOffset>('^',
            $"select b from {FirstSessionSlots.Table}, unnest(array[lower(during), upper(during)]) with ordinality as u(b, n) " +
            "where clinician_id = ^ and upper(during) > ^ and referral_id <> ^ order by session_id, n",
            token, clinicianId, from.ToUniversalTime(), exceptReferral);
        return bounds.Chunk(2).Select(pair => new BookedTime(pair[0], pair[1])).ToList();
    }

    private static WeekDay DayOf(DateOnly day) => (WeekDay)(((int)day.DayOfWeek + 6) % 7);

    /// <summary>The instant of a wall-clock time in <paramref name="zone"/>: none for a skipped time, the first of a repeated one.</summary>
    private static DateTimeOffset? Instant(DateTime local, TimeZoneInfo zone)
    {
        if (zone.IsInvalidTime(local)) return null;
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), offset);
    }
}
