using System.Diagnostics;

namespace Matching.LoadBench;

/// <summary>
/// One scenario at one concurrency, one pass (<see cref="Round" /> 0) or one round of several: throughput and latency
/// percentiles of the operations that succeeded.
/// </summary>
public sealed record LoadResult(string Scenario, int Concurrency, long Operations, long Errors, double Seconds, double P50Ms, double P95Ms, double P99Ms)
{
    public double PerSecond => Seconds > 0 ? Operations / Seconds : 0;
    public int Round { get; init; }
    /// <summary>Every latency measured, sorted, so rounds can be pooled.</summary>
    public double[] Latencies { get; init; } = [];

    /// <summary>Several rounds of one scenario as one: their operations, time and latencies together.</summary>
    public static LoadResult Pool(IReadOnlyList<LoadResult> rounds)
    {
        var all = rounds.SelectMany(r => r.Latencies).ToArray();
        Array.Sort(all);
        return new LoadResult(rounds[0].Scenario, rounds[0].Concurrency, rounds.Sum(r => r.Operations), rounds.Sum(r => r.Errors),
            rounds.Sum(r => r.Seconds), Load.Percentile(all, 0.50), Load.Percentile(all, 0.95), Load.Percentile(all, 0.99)) { Latencies = all };
    }
}

public static class Load
{
    /// <summary>
    /// Runs <paramref name="operation" /> in <paramref name="concurrency" /> closed loops (each starts its next
    /// operation when the last finished) for a warm-up, then measures for <paramref name="duration" />.
    /// The operation gets the worker's index and its running count, so workers can keep to their own data.
    /// With <paramref name="untilAnOperation" /> the window stays open past its duration until an operation has finished in it.
    /// </summary>
    public static async Task<LoadResult> RunAsync(string scenario, int concurrency, TimeSpan warmUp, TimeSpan duration,
        Func<int, long, Task> operation, int round = 0, bool untilAnOperation = false)
    {
        var measuring = false;
        var stop = false;
        var latencies = new List<double>[concurrency];
        var errors = new long[concurrency];
        long finished = 0;
        Exception? firstError = null;
        var clock = new Stopwatch();

        async Task Worker(int index)
        {
            var mine = latencies[index] = new List<double>(4096);
            long n = 0;
            while (!Volatile.Read(ref stop))
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await operation(index, n++);
                    if (Volatile.Read(ref measuring))
                    {
                        mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                        Interlocked.Increment(ref finished);
                    }
                }
                catch (Exception e)
                {
                    if (Volatile.Read(ref measuring)) errors[index]++;
                    Interlocked.CompareExchange(ref firstError, e, null);
                }
            }
        }

        var workers = Enumerable.Range(0, concurrency).Select(i => Task.Run(() => Worker(i))).ToArray();
        await Task.Delay(warmUp);
        Volatile.Write(ref measuring, true);
        clock.Start();
        await Task.Delay(duration);
        // Not for ever: a scenario that only fails shows its errors.
        while (untilAnOperation && Interlocked.Read(ref finished) == 0 && clock.Elapsed < duration + TimeSpan.FromSeconds(30))
            await Task.Delay(5);
        Volatile.Write(ref measuring, false);
        clock.Stop();
        Volatile.Write(ref stop, true);
        await Task.WhenAll(workers);

        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        var failed = errors.Sum();
        var result = new LoadResult(scenario, concurrency, all.Length, failed, clock.Elapsed.TotalSeconds,
            Percentile(all, 0.50), Percentile(all, 0.95), Percentile(all, 0.99)) { Round = round, Latencies = all };
        Console.WriteLine($"  {scenario,-28} c={concurrency,-3} {result.PerSecond,9:N0}/s  p50 {result.P50Ms,7:F2} ms  p95 {result.P95Ms,7:F2} ms  p99 {result.P99Ms,7:F2} ms" +
                          (failed > 0 ? $"  errors {failed} (first: {firstError?.GetType().Name}: {Trim(firstError?.Message)})" : ""));
        return result;
    }

    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string Trim(string? s) => s is null ? "" : s.Length > 160 ? s[..160] : s;
}
