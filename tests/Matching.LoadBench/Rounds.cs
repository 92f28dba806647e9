namespace Matching.LoadBench;

/// <summary>The median and the range of values measured once per round (a ratio, a time).</summary>
public sealed record Spread(double Median, double Min, double Max, IReadOnlyList<double> Values)
{
    public static Spread Of(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0) return new Spread(double.NaN, double.NaN, double.NaN, sorted);
        var middle = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return new Spread(median, sorted[0], sorted[^1], sorted);
    }

    public int Count => Values.Count;

    /// <summary>How many of the values meet a goal.</summary>
    public int Meeting(double target, bool lowerIsBetter = false) => Values.Count(v => lowerIsBetter ? v <= target : v >= target);
}

/// <summary>
/// Scenarios compared with each other run alternately in rounds, so that whatever else the machine does at a moment
/// (another build, autovacuum, a checkpoint) hits them alike; each round starts one later in the list, so no scenario
/// always follows the same one.
/// </summary>
public static class Rounds
{
    /// <summary>The steps in the order round <paramref name="round" /> (from 1) runs them.</summary>
    public static IEnumerable<T> Order<T>(IReadOnlyList<T> steps, int round) =>
        Enumerable.Range(0, steps.Count).Select(i => steps[(i + round - 1) % steps.Count]);
}
