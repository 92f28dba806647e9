using System.Globalization;
using NodaTime;

namespace Matching.Service.Shared;

/// <summary>
/// Instants as people at the practice read them: in the practice's time zone with its abbreviation ("Wed 9 Dec 10:00 MST"),
/// and spans in round words ("4 h", "2 d"). .NET knows no zone abbreviations, so they come from Noda Time's copy of the
/// IANA database; a zone it doesn't know shows its UTC offset instead.
/// </summary>
public static class PracticeTime
{
    public static DateTimeOffset Local(DateTimeOffset at, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(at, zone);

    /// <summary>"MST" or "MDT" for Denver, as the zone was at that instant.</summary>
    public static string Abbreviation(DateTimeOffset at, TimeZoneInfo zone) =>
        DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone.Id) is { } tz
            ? tz.GetZoneInterval(Instant.FromDateTimeOffset(at)).Name
            : "UTC" + Local(at, zone).ToString("zzz", CultureInfo.InvariantCulture);

    /// <summary>"Wed 9 Dec 10:00 MST": a time shown alone. The year is added when it isn't <paramref name="thisYear"/>.</summary>
    public static string Moment(DateTimeOffset at, TimeZoneInfo zone, int? thisYear = null)
    {
        var local = Local(at, zone);
        var format = thisYear is { } year && year != local.Year ? "ddd d MMM yyyy HH:mm" : "ddd d MMM HH:mm";
        return $"{local.ToString(format, CultureInfo.InvariantCulture)} {Abbreviation(at, zone)}";
    }

    /// <summary>A span in the largest unit that fits, rounded down: "under 1 min", "35 min", "4 h", "47 h", "2 d".</summary>
    public static string Span(TimeSpan span)
    {
        var length = span.Duration();
        return length.TotalMinutes < 1 ? "under 1 min"
            : length.TotalMinutes < 60 ? $"{(int)length.TotalMinutes} min"
            : length.TotalHours < 48 ? $"{(int)length.TotalHours} h"
            : $"{(int)length.TotalDays} d";
    }

    /// <summary>"due in 4 h" before <paramref name="due"/>, "overdue 2 h" after it.</summary>
    public static string Due(DateTimeOffset due, DateTimeOffset now) =>
        now > due ? $"overdue {Span(now - due)}" : $"due in {Span(due - now)}";

    /// <summary>The machine-readable form for a time element's datetime attribute, with the zone's offset.</summary>
    public static string Iso(DateTimeOffset at, TimeZoneInfo zone) =>
        Local(at, zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>The instant a calendar day begins in the zone (local midnight, with that moment's offset).</summary>
    public static DateTimeOffset StartOfDay(DateOnly day, TimeZoneInfo zone)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight));
    }
}
