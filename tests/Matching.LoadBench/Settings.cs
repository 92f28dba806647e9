namespace Matching.LoadBench;

public enum Level { Full, Quick, Smoke }

/// <summary>How big and how long each part of the run is.</summary>
/// <param name="Concurrency">Every concurrency measured; the goal's (<see cref="GoalConcurrency" />) in rounds, the others in one pass.</param>
/// <param name="WarmUp">Before a single pass.</param>
/// <param name="Rounds">How many times a2, b and c of each operation run alternately at the goal's concurrency (and the queue page's two sides).</param>
/// <param name="LargeQueueReferrals">A second queue run at this many referrals; 0 for none.</param>
/// <param name="FailoverRepeats">How many times each crash is measured.</param>
public sealed record Settings(
    Level Level,
    int[] Concurrency,
    int GoalConcurrency,
    TimeSpan WarmUp,
    TimeSpan Duration,
    int Rounds,
    TimeSpan RoundWarmUp,
    TimeSpan RoundDuration,
    int LifecycleReferrals,
    int RebuildEvents,
    int QueueReferrals,
    int LargeQueueReferrals,
    int QueueSamples,
    TimeSpan FreshnessDuration,
    int FailoverRepeats,
    int ColdStarts,
    string? Only = null,
    string? TraceDirectory = null,
    IReadOnlyDictionary<string, string>? ServiceEnvironment = null,
    bool ReadyToRun = false)
{
    public static Settings For(Level level) => level switch
    {
        Level.Full => new(level, [1, 8, 32], 8, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(6), 5, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5),
            2_000, 1_000_000, 100_000, 1_000_000, 1_000, TimeSpan.FromSeconds(10), 3, 3, ReadyToRun: true),
        Level.Quick => new(level, [1, 8, 32], 8, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1), 3, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1.5),
            600, 25_000, 10_000, 0, 210, TimeSpan.FromSeconds(3), 1, 1),
        _ => new(level, [1, 4], 4, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500), 2, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500),
            40, 2_000, 500, 0, 20, TimeSpan.FromSeconds(1.5), 1, 1)
    };

    /// <summary>Every queue size measured, smallest first.</summary>
    public int[] QueueSizes => LargeQueueReferrals > QueueReferrals ? [QueueReferrals, LargeQueueReferrals] : [QueueReferrals];
}
