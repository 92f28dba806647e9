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
        // Proves every part runs and gives a number, in as little time as it takes: windows that only need an operation or
        // two, one vacuum, and the parts that only wait (the failover drill) shared with the ones that work.
        _ => new(level, [1, 4], 4, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(150), 2, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(150),
            40, 2_000, 500, 0, 20, TimeSpan.FromSeconds(0.5), 1, 1)
        {
            UntilAnOperation = true,
            QueueVacuums = 1,
            SideBySide = true
        }
    };

    /// <summary>
    /// A pass's window stays open until an operation has finished in it: a window shorter than a slow first request
    /// (the service's first contact attempt) would otherwise measure nothing.
    /// </summary>
    public bool UntilAnOperation { get; init; }

    /// <summary>How many times the queue page's table is vacuumed, a second apart, until its pages are all-visible.</summary>
    public int QueueVacuums { get; init; } = 30;

    /// <summary>
    /// Parts run beside others that mostly wait: the store's set-up while the nodes start, the cold start and the rebuild
    /// while the failover drill waits for stale nodes (instead of after the load, on a quiet database). Their numbers
    /// then prove that they run, they measure nothing.
    /// </summary>
    public bool SideBySide { get; init; }

    /// <summary>Every queue size measured, smallest first.</summary>
    public int[] QueueSizes => LargeQueueReferrals > QueueReferrals ? [QueueReferrals, LargeQueueReferrals] : [QueueReferrals];
}
