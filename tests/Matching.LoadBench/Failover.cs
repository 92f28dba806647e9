using System.Diagnostics;
using Matching.Service.Infrastructure;

namespace Matching.LoadBench;

/// <summary>Seconds from each kill -9 until the reports moved again; infinity where they had not within the wait.</summary>
public sealed class FailoverResult
{
    public List<double> TakeoverSeconds { get; } = [];
    public List<double> RestartSeconds { get; } = [];
    public List<double> RestartReadySeconds { get; } = [];
    /// <summary>What stopped the drill before it was done, if anything did.</summary>
    public string? Failure { get; set; }
}

/// <summary>
/// Worker crashes beside the API node, timed as operators would see them: from the kill -9 until the reports'
/// `asOf` (read through the API node) reflects an intake made after it.
/// </summary>
public static class Failover
{
    /// <summary>How long a measurement waits before it counts the reports as stuck.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    /// <param name="worker">The one worker running now; the drill ends with one worker running too (the last one started).</param>
    /// <param name="result">Filled as the drill goes, so what was measured survives a drill that stops half way.</param>
    public static async Task RunAsync(Cluster cluster, ServiceProcess api, ServiceProcess worker, int repeats, FailoverResult result)
    {
        var (takeovers, restarts, ready) = (result.TakeoverSeconds, result.RestartSeconds, result.RestartReadySeconds);
        var started = 1;

        // A second worker joins; the one holding the report projection is killed; the other must take it over.
        for (var i = 1; i <= repeats; i++)
        {
            var joining = Stopwatch.StartNew();
            var workers = new[] { worker, await cluster.StartNodeAsync($"worker-{++started}", NodeRole.Worker) };
            var holder = await cluster.ReportsHolderAsync(workers, Wait);
            Console.WriteLine($"  a second worker started, agents shared out after {joining.Elapsed.TotalSeconds:F1} s");
            await cluster.CaughtUpAsync(api, Wait);
            var killedAt = Stopwatch.StartNew();
            await workers[holder].KillAsync();
            takeovers.Add(await TimeAsync(cluster, api, killedAt));
            Console.WriteLine($"  takeover {i}: kill -9 of the worker holding the report projection, reports moving again after {Seconds(takeovers[^1])}");
            worker = workers[1 - holder];
        }

        // The only worker is killed and started again at once: the new process must not wait long for its dead predecessor.
        for (var i = 1; i <= repeats; i++)
        {
            await cluster.CaughtUpAsync(api, Wait);
            var killedAt = Stopwatch.StartNew();
            await worker.KillAsync();
            worker = await cluster.StartNodeAsync($"worker-{++started}", NodeRole.Worker);
            ready.Add(killedAt.Elapsed.TotalSeconds);
            restarts.Add(await TimeAsync(cluster, api, killedAt));
            Console.WriteLine($"  restart {i}: kill -9 and restart of the only worker, ready after {ready[^1]:F1} s, reports moving again after {Seconds(restarts[^1])}");
        }
    }

    private static async Task<double> TimeAsync(Cluster cluster, ServiceProcess api, Stopwatch killedAt)
    {
        try
        {
            return (await cluster.ReportsMovingAgainAsync(api, killedAt, Wait)).TotalSeconds;
        }
        catch (TimeoutException)
        {
            return double.PositiveInfinity;
        }
    }

    public static string Seconds(double seconds) => double.IsPositiveInfinity(seconds) ? $"over {Wait.TotalSeconds:0} s" : $"{seconds:F1} s";
}
