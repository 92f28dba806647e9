namespace Matching.Service.Reports;

/// <summary>
/// Exact percentiles over every value in range, by linear interpolation between closest ranks
/// (PostgreSQL's percentile_cont, Excel's PERCENTILE.INC): the median of an even count is the mean
/// of the middle two.
/// </summary>
public static class Percentiles
{
    public static double? Of(IReadOnlyList<double> sorted, double fraction)
    {
        if (sorted.Count == 0) return null;
        var position = fraction * (sorted.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = (int)Math.Ceiling(position);
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
    }

    /// <summary>Count, median and p90 of the values, rounded to two decimals for display.</summary>
    public static DurationSummary Summarize(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return new DurationSummary(sorted.Count, Round(Of(sorted, 0.5)), Round(Of(sorted, 0.9)));
    }

    public static double? Round(double? value) => value is { } v ? Math.Round(v, 2, MidpointRounding.AwayFromZero) : null;

    /// <summary>A fraction from 0 to 1, four decimals; null when nothing was counted.</summary>
    public static double? Rate(int part, int whole) =>
        whole == 0 ? null : Math.Round((double)part / whole, 4, MidpointRounding.AwayFromZero);
}

public sealed record DurationSummary(int Count, double? Median, double? P90);
