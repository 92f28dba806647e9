namespace Matching.LoadBench;

public enum Level { Full, Quick, Smoke }

/// <summary>How big and how long each part of the run is.</summary>
public sealed record Settings(
    Level Level,
    int[] Concurrency,
    TimeSpan WarmUp,
    TimeSpan Duration,
    int LifecycleReferrals,
    int RebuildEvents,
    int QueueReferrals,
    int QueueSamples,
    TimeSpan FreshnessDuration,
    int ColdStarts,
    string? Only = null,
    string? TraceDirectory = null,
    IReadOnlyDictionary<string, string>? ServiceEnvironment = null,
    bool ReadyToRun = false)
{
    public static Settings For(Level level) => level switch
    {
        Level.Full => new(level, [1, 8, 32], TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(8), 2_000, 1_000_000, 100_000, 400,
            TimeSpan.FromSeconds(10), 3, ReadyToRun: true),
        Level.Quick => new(level, [1, 8, 32], TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2.5), 600, 50_000, 10_000, 200,
            TimeSpan.FromSeconds(5), 1),
        _ => new(level, [1, 4], TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500), 40, 2_000, 500, 20,
            TimeSpan.FromSeconds(1.5), 1)
    };
}
