using System.Globalization;

namespace Matching.Service.Web;

/// <summary>Times as a busy reader takes them in: ages in one unit ("3 d"), due times relative to now, instants in the practice's zone.</summary>
public static class TimeWords
{
    /// <summary>A duration in its largest whole unit, rounded down: "under 1 min", "35 min", "4 h", "3 d".</summary>
    public static string Span(TimeSpan span)
    {
        var length = span.Duration();
        return length.TotalMinutes < 1 ? "under 1 min"
            : length.TotalHours < 1 ? $"{(int)length.TotalMinutes} min"
            : length.TotalDays < 1 ? $"{(int)length.TotalHours} h"
            : $"{(int)length.TotalDays} d";
    }

    /// <summary>"overdue 4 h" once the due time has passed, otherwise "due in 2 d".</summary>
    public static string Due(DateTimeOffset due, DateTimeOffset now) =>
        now > due ? $"overdue {Span(now - due)}" : $"due in {Span(due - now)}";

    /// <summary>
    /// The zone's abbreviation at that instant where its names are the usual three words ("Mountain Standard Time" reads
    /// "MST", "Mountain Daylight Time" "MDT"), otherwise its offset from UTC ("UTC+01:00").
    /// </summary>
    public static string Zone(TimeZoneInfo zone, DateTimeOffset at)
    {
        var name = zone.IsDaylightSavingTime(at) ? zone.DaylightName : zone.StandardName;
        var words = name.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 3 && words.All(w => char.IsAsciiLetterUpper(w[0]))) return string.Concat(words.Select(w => w[0]));
        var offset = zone.GetUtcOffset(at);
        return $"UTC{(offset < TimeSpan.Zero ? "-" : "+")}{offset.Duration():hh\\:mm}";
    }

    /// <summary>An instant on its own, in the practice's zone with its abbreviation: "Wed 9 Dec 10:00 MST".</summary>
    public static string At(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("ddd d MMM HH:mm", CultureInfo.InvariantCulture) + " " + Zone(zone, at);

    /// <summary>The machine-readable form for a time element's datetime attribute, with the zone's offset.</summary>
    public static string Iso(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
