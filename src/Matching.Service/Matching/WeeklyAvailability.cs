using Matching.Service.Shared;

namespace Matching.Service.Matching;

/// <summary>
/// Weekly windows as absolute time: minutes since Monday 00:00 UTC of a fixed reference week,
/// as sorted, merged, half-open [start, end) pairs flattened into one array.
/// </summary>
/// <remarks>
/// A fixed week (Monday 1 January 2024) makes the result independent of the day the engine runs:
/// the same windows give the same overlap in July as in January, and no DST change falls in it
/// for the usual northern or southern rules. The week repeats, so a window pushed past Sunday
/// midnight (or before Monday) by the conversion wraps around to the other end.
/// </remarks>
public static class WeeklyAvailability
{
    public const int MinutesPerWeek = 7 * 24 * 60;

    public static readonly DateTime ReferenceMonday = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);

    public static int[] ToIntervals(IReadOnlyList<AvailabilityWindow>? windows, TimeZoneInfo zone)
    {
        if (windows is null || windows.Count == 0) return [];
        var pieces = new List<(int Start, int End)>(windows.Count + 1);
        foreach (var window in windows)
        {
            if (window is not { Day: { } day } || !window.TryParse(out var from, out var to)) continue;
            var date = ReferenceMonday.AddDays((int)day);
            var start = ToReferenceMinutes(date + from.ToTimeSpan(), zone);
            var end = ToReferenceMinutes(date + to.ToTimeSpan(), zone);
            var length = end - start;
            if (length <= 0) continue;
            start = Wrap(start);
            end = start + length;
            if (end <= MinutesPerWeek)
            {
                pieces.Add((start, end));
            }
            else
            {
                pieces.Add((start, MinutesPerWeek));
                pieces.Add((0, end - MinutesPerWeek));
            }
        }

        pieces.Sort();
        var merged = new List<int>(pieces.Count * 2);
        foreach (var (start, end) in pieces)
        {
            if (merged.Count > 0 && start <= merged[^1])
            {
                merged[^1] = Math.Max(merged[^1], end);
            }
            else
            {
                merged.Add(start);
                merged.Add(end);
            }
        }

        return merged.ToArray();
    }

    /// <summary>Minutes both sets of intervals cover; no allocation.</summary>
    public static int OverlapMinutes(int[] a, int[] b)
    {
        int i = 0, j = 0, overlap = 0;
        while (i < a.Length && j < b.Length)
        {
            var start = Math.Max(a[i], b[j]);
            var end = Math.Min(a[i + 1], b[j + 1]);
            if (end > start) overlap += end - start;
            if (a[i + 1] < b[j + 1]) i += 2;
            else j += 2;
        }

        return overlap;
    }

    /// <summary>The intervals both cover, in the same flattened form (allocates; for explaining, not ranking).</summary>
    public static int[] Overlap(int[] a, int[] b)
    {
        var both = new List<int>();
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            var start = Math.Max(a[i], b[j]);
            var end = Math.Min(a[i + 1], b[j + 1]);
            if (end > start)
            {
                both.Add(start);
                both.Add(end);
            }
            if (a[i + 1] < b[j + 1]) i += 2;
            else j += 2;
        }

        return both.ToArray();
    }

    /// <summary>
    /// Intervals as a coordinator says them, in <paramref name="zone"/>: "Tue evenings and Sat mornings and afternoons".
    /// Mornings start before noon, afternoons before 17:00, evenings after; a part counts when any half hour of it is covered.
    /// </summary>
    public static string Describe(int[] intervals, TimeZoneInfo zone)
    {
        var parts = new SortedDictionary<int, SortedSet<int>>();
        var monday = new DateTime(ReferenceMonday.Ticks, DateTimeKind.Utc);
        for (var i = 0; i < intervals.Length; i += 2)
        {
            for (var minute = intervals[i]; ; minute += 30)
            {
                var last = intervals[i + 1] - 1;
                var local = TimeZoneInfo.ConvertTimeFromUtc(monday.AddMinutes(Math.Min(minute, last)), zone);
                var day = ((int)local.DayOfWeek + 6) % 7; // Monday first
                var part = local.Hour < 12 ? 0 : local.Hour < 17 ? 1 : 2;
                if (!parts.TryGetValue(day, out var set)) parts[day] = set = [];
                set.Add(part);
                if (minute >= last) break;
            }
        }

        string[] days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], names = ["mornings", "afternoons", "evenings"];
        return string.Join(", ", parts.Select(p => $"{days[p.Key]} {MatchingEngine.Sentence(p.Value.Select(v => names[v]).ToList())}"));
    }

    public static int TotalMinutes(int[] intervals)
    {
        var total = 0;
        for (var i = 0; i < intervals.Length; i += 2) total += intervals[i + 1] - intervals[i];
        return total;
    }

    /// <summary>The zone by IANA (or Windows) id; UTC when the id is unknown, so a bad profile can't stop matching.</summary>
    public static TimeZoneInfo Zone(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id.Trim(), out var zone)
            ? zone
            : TimeZoneInfo.Utc;

    // GetUtcOffset reads an unspecified-kind time as local to the zone and, unlike ConvertTimeToUtc,
    // never throws on a time skipped by a DST change.
    private static int ToReferenceMinutes(DateTime local, TimeZoneInfo zone) =>
        (int)(local - zone.GetUtcOffset(local) - ReferenceMonday).TotalMinutes;

    private static int Wrap(int minutes) => ((minutes % MinutesPerWeek) + MinutesPerWeek) % MinutesPerWeek;
}
