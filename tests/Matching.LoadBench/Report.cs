using System.Globalization;
using System.Text;

namespace Matching.LoadBench;

/// <summary>Writes the "Service against PostgreSQL" section of docs/benchmarks.md, leaving every other section as it is.</summary>
public static class Report
{
    public const string Heading = "Service against PostgreSQL";

    public static void Write(string path, RunResults r)
    {
        var section = Render(r);
        var existing = File.Exists(path) ? File.ReadAllText(path) : "# Benchmarks\n";
        File.WriteAllText(path, Replace(existing, section));
    }

    /// <summary>Replaces the section from its "## " heading to the next "## " heading (or the end), or appends it.</summary>
    public static string Replace(string document, string section)
    {
        var lines = document.Replace("\r\n", "\n").Split('\n').ToList();
        var start = lines.FindIndex(l => l.Trim() == $"## {Heading}");
        if (start < 0) return document.TrimEnd('\n') + "\n\n" + section;
        var end = lines.FindIndex(start + 1, l => l.StartsWith("## "));
        var before = string.Join('\n', lines.Take(start));
        var after = end < 0 ? "" : "\n" + string.Join('\n', lines.Skip(end));
        return before + (before.Length > 0 ? "\n" : "") + section + after;
    }

    private static string F(double v, string format = "N0") =>
        double.IsNaN(v) ? "–" : double.IsPositiveInfinity(v) ? "∞" : v.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>A value measured per round: its median and, over several rounds, the range.</summary>
    private static string S(Spread v, string format = "F2") =>
        v.Count > 1 ? $"{F(v.Median, format)} ({F(v.Min, format)}–{F(v.Max, format)})" : F(v.Median, format);

    private static string Passes(int rounds) => rounds > 1 ? $"{rounds} rounds" : "one pass";

    public static string Render(RunResults r)
    {
        var s = r.Settings;
        var gc = s.GoalConcurrency;
        var b = new StringBuilder();
        b.AppendLine($"## {Heading}");
        b.AppendLine();
        b.AppendLine("Written by `dotnet run -c Release --project tests/Matching.LoadBench` (this section only; `-- --quick` for a reduced run).");
        b.AppendLine($"Last run: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, level **{s.Level.ToString().ToLowerInvariant()}**, {r.Elapsed.TotalMinutes:F1} min in all. " +
                     $"Each scenario runs closed loops; latencies are per operation as the client saw it. At concurrency {gc}, the goals', (a1) runs once, " +
                     $"then (a2), (b) and (c) of each operation run alternately in **{s.Rounds} rounds** of {s.RoundDuration.TotalSeconds:0.##} s after a " +
                     $"{s.RoundWarmUp.TotalSeconds:0.##} s warm-up, each round starting one later in the list; a ratio at c={gc} is computed per round " +
                     $"(a round's pass over the same round's) and shown as the **median (min–max)** of the rounds. " +
                     $"Concurrency {string.Join(", ", s.Concurrency.Where(c => c != gc))}: one pass each, {s.Duration.TotalSeconds:0.##} s after a {s.WarmUp.TotalSeconds:0.##} s warm-up.");
        b.AppendLine();
        b.AppendLine("### Machine and settings");
        foreach (var (k, v) in r.Machine) b.AppendLine($"- {k}: {v}");
        b.AppendLine("- everything (PostgreSQL, the service's nodes, the load generator) shares the same cores; read ratios, not absolute numbers.");
        b.AppendLine("- (c) is an **API node** (`Matching__NodeRole=api`) with one **worker node** (`worker`) beside it, as deployed: `dotnet Matching.Service.dll` child processes, " +
                     "environment `Production` (static generated code, a certificate-protected key ring, RS256 access tokens from an OpenID Connect provider running in the benchmark process), " +
                     "Kestrel on 127.0.0.1, HTTP/1.1 keep-alive. The worker runs the async projections (audit trail, report facts), timers and notifications on the same cores; " +
                     "after each (c) pass the run waits until it has caught up, so its work counts against (c), not against whatever runs next.");
        b.AppendLine();

        // `--only rebuild` or `--only queue` measure one part: the others are left out rather than shown empty.
        var loads = r.Loads.Count > 0;
        var memory = r.ApiPeakWorkingSetMiB > 0;
        var fo = r.Failover;
        var failover = fo.TakeoverSeconds.Count > 0 || fo.RestartSeconds.Count > 0 || fo.Failure is not null;
        if (loads) WriteLoads(b, r);

        if (memory || failover)
        {
            b.AppendLine("### Nodes: memory and failover");
            b.AppendLine();
            if (memory)
                b.AppendLine($"- Peak working set (VmHWM) of the API node over the load and the queue reads: **{r.ApiPeakWorkingSetMiB:F0} MiB**; " +
                             $"of the worker beside it over the load: {r.WorkerPeakWorkingSetMiB:F0} MiB.");
            if (failover)
            {
                b.AppendLine($"- Failover (the API node stays up; each time from the kill -9 until the reports' `asOf`, read through the API node, reflects an intake made after it):");
                b.AppendLine($"  - kill -9 of the worker holding the report projection, a second worker running (found by `GET /health/agents`): reports moving again after " +
                             $"{Times(fo.TakeoverSeconds)};");
                b.AppendLine($"  - kill -9 of the only worker and an immediate restart: new worker ready after {Times(fo.RestartReadySeconds)}, reports moving again after {Times(fo.RestartSeconds)}.");
                if (fo.Failure is not null) b.AppendLine($"  - the drill stopped early: {fo.Failure}");
            }
            b.AppendLine();
        }

        if (r.Rebuild is { } d)
        {
            b.AppendLine($"### Rebuild of every async projection ({d.Events:N0} events, one pass)");
            b.AppendLine();
            b.AppendLine($"Generated as {d.Events / Rebuild.EventsPerStory:N0} referral stories of {Rebuild.EventsPerStory} events with Marten's bulk COPY appender in {d.Generation.TotalSeconds:F1} s; " +
                         "statistics gathered (`vacuum (analyze)`, as autovacuum does after a bulk load); each projection rebuilt alone through " +
                         "`BuildProjectionDaemonAsync()` / `RebuildProjectionAsync(name)`, then all of them at once, each on its own daemon. " +
                         "A rebuild takes minutes, so it runs once, not in rounds.");
            b.AppendLine();
            b.AppendLine("| what | time | events/s |");
            b.AppendLine("|---|---:|---:|");
            foreach (var p in d.Projections) b.AppendLine($"| rebuild {p.Projection} | {p.Elapsed.TotalSeconds:F1} s | {F(p.PerSecond)} |");
            b.AppendLine($"| **all async projections** (one after the other) | {d.AllProjections.TotalSeconds:F1} s | **{F(d.AllPerSecond)}** |");
            b.AppendLine($"| all async projections at once | {d.Together.TotalSeconds:F1} s | {F(d.TogetherPerSecond)} |");
            b.AppendLine($"| raw sequential read of mt_events (the daemon's columns and join, one pass) | {d.RawRead.TotalSeconds:F1} s | {F(d.RawPerSecond)} |");
            b.AppendLine();
        }

        foreach (var q in r.Queue)
        {
            b.AppendLine($"### Coordinator queue page ({q.Rows:N0} referrals, first page of 50, one client)");
            b.AppendLine();
            b.AppendLine($"{q.Added:N0} queue rows added with Marten's bulk COPY in {q.Fill.TotalSeconds:F1} s. Each variant runs through the API node and as the same SQL by hand, request by request alternately, " +
                         $"in {s.Rounds} rounds; percentiles over all samples, the ratio of the p95s per round.");
            b.AppendLine();
            b.AppendLine("| query | samples | p50 ms | p95 ms | p99 ms | p95 ÷ raw SQL, per round |");
            b.AppendLine("|---|---:|---:|---:|---:|---:|");
            foreach (var v in q.Variants)
            {
                b.AppendLine($"| {v.Service.Variant} (`GET /api/referrals`) | {v.Service.Samples:N0} | {F(v.Service.P50Ms, "F2")} | {F(v.Service.P95Ms, "F2")} | {F(v.Service.P99Ms, "F2")} | {S(v.P95Ratio)} |");
                b.AppendLine($"| {v.Raw.Variant} | {v.Raw.Samples:N0} | {F(v.Raw.P50Ms, "F2")} | {F(v.Raw.P95Ms, "F2")} | {F(v.Raw.P99Ms, "F2")} | |");
            }
            b.AppendLine();
        }

        var f = r.Freshness;
        if (f.Samples > 0)
        {
            b.AppendLine("### Report freshness under steady intake");
            b.AppendLine();
            b.AppendLine($"{f.Intakes} intakes through the API node at {f.Rate:F1}/s; every 100 ms the age (database clock) of the oldest event the report facts projection (on the worker) has not processed yet (0 when caught up): " +
                         $"{f.Samples} samples, lag **p50 {f.P50Ms:F0} ms, p95 {f.P95Ms:F0} ms, max {f.MaxMs:F0} ms**.");
            b.AppendLine();
        }

        var cold = Spread.Of(r.ColdStartsMs);
        var readyToRun = Spread.Of(r.ColdStartsReadyToRunMs);
        if (cold.Count > 0)
        {
            b.AppendLine("### Cold start");
            b.AppendLine();
            b.AppendLine($"- Cold start of an API node in Production (process start to the first 2xx of `POST /api/intake`, static generated code, schema present): " +
                         $"{string.Join(", ", r.ColdStartsMs.Select(x => $"{x:F0} ms"))}; median **{F(cold.Median)} ms**.");
            if (readyToRun.Count > 0)
                b.AppendLine($"- The same, published ReadyToRun as the container image is (`dotnet publish -r {System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier} -p:PublishReadyToRun=true`): " +
                             $"{string.Join(", ", r.ColdStartsReadyToRunMs.Select(x => $"{x:F0} ms"))}; median **{F(readyToRun.Median)} ms**.");
            b.AppendLine();
        }

        b.AppendLine("### Goals (this run)");
        b.AppendLine();
        b.AppendLine("A goal measured per round is met when the median of the rounds meets it, shown as median (min–max) with the rounds that meet it; " +
                     "a failover goal when every drill meets it; the rebuild's in its one pass.");
        b.AppendLine();
        b.AppendLine("| goal | met | measured | detail |");
        b.AppendLine("|---|---|---|---|");
        if (loads)
        {
            RatioGoal(b, $"(c) ÷ (b) ≥ 0.85, intake, c={gc}", r.Ratio(Harness.CIntake, Harness.BIntake, gc), 0.85);
            RatioGoal(b, $"(c) ÷ (b) ≥ 0.85, contact attempt, c={gc}", r.Ratio(Harness.CLifecycle, Harness.BLifecycle, gc), 0.85);
            RatioGoal(b, $"(c) ÷ (a2) ≥ 0.75, intake, c={gc}", r.Ratio(Harness.CIntake, Harness.A2Intake, gc), 0.75);
            RatioGoal(b, $"(c) ÷ (a2) ≥ 0.75, contact attempt, c={gc}", r.Ratio(Harness.CLifecycle, Harness.A2Lifecycle, gc), 0.75);
        }
        if (memory)
        {
            var apiMb = r.ApiPeakWorkingSetMiB * 1.048576;
            Row(b, "API node working set under load ≤ 200 MB", apiMb <= 200, $"{r.ApiPeakWorkingSetMiB:F0} MiB = {apiMb:F0} MB",
                $"peak (VmHWM) over the load and the queue reads; the worker beside it: {r.WorkerPeakWorkingSetMiB:F0} MiB (no goal)");
        }
        if (failover)
        {
            TimeGoal(b, "failover: reports moving again ≤ 15 s after kill -9 of the worker holding them (a second worker running)", fo.TakeoverSeconds, fo.Failure);
            TimeGoal(b, "projections moving again ≤ 15 s after a crash (kill -9 and restart of the only worker)", fo.RestartSeconds, fo.Failure);
        }
        if (r.Rebuild is { } rb)
        {
            Row(b, "(d) ≥ 0.5 × raw read (all, one after the other)", rb.AllPerSecond / rb.RawPerSecond >= 0.5, F(rb.AllPerSecond / rb.RawPerSecond, "F2"),
                $"one pass: {F(rb.AllPerSecond)} vs {F(rb.RawPerSecond)} events/s");
            if (loads)
            {
                var intake = r.Throughput(Harness.CIntake, gc);
                var times = rb.AllPerSecond / intake.Median;
                Row(b, $"(d) ≥ 10 × sustained intake (all one after the other, events/s vs HTTP intakes/s at c={gc})", times >= 10, F(times, "F2"),
                    $"{F(rb.AllPerSecond)} events/s (one pass) ÷ {F(intake.Median)} intakes/s (median of the rounds)");
            }
        }
        foreach (var q in r.Queue)
            foreach (var v in q.Variants)
            {
                var where = $"{v.Name}, {q.Rows:N0} referrals";
                Row(b, $"(e) p95 ≤ 10 ms, {where}", v.ServiceP95.Median <= 10, $"{S(v.ServiceP95)} ms",
                    $"per round; over all {v.Service.Samples:N0} samples {F(v.Service.P95Ms, "F2")} ms; {v.ServiceP95.Meeting(10, lowerIsBetter: true)} of {v.ServiceP95.Count} rounds meet it");
                Row(b, $"(e) p95 ≤ 1.3 × raw SQL, {where}", v.P95Ratio.Median <= 1.3, S(v.P95Ratio),
                    $"{Passes(v.P95Ratio.Count)}; {v.P95Ratio.Meeting(1.3, lowerIsBetter: true)} of {v.P95Ratio.Count} meet it; raw SQL p95 over all samples {F(v.Raw.P95Ms, "F2")} ms");
            }
        // The deployed artifact is the ReadyToRun publish; the build output stands in when the run didn't publish.
        var (starts, artifact) = readyToRun.Count > 0 ? (readyToRun, "published ReadyToRun") : (cold, "build output, JIT");
        if (starts.Count > 0)
            Row(b, $"cold start ≤ 1.5 s (API node, {artifact})", starts.Median <= 1500, $"{S(starts, "F0")} ms", Count(starts.Count, "start"));
        b.AppendLine();
        return b.ToString();
    }

    private static void WriteLoads(StringBuilder b, RunResults r)
    {
        var s = r.Settings;
        var gc = s.GoalConcurrency;
        b.AppendLine("### Writes: throughput and latency");
        b.AppendLine();
        b.AppendLine($"Over several rounds: ops/s is the median (min–max) of the rounds, latencies are over all the rounds' operations.");
        b.AppendLine();
        b.AppendLine("| scenario | concurrency | passes | ops/s | p50 ms | p95 ms | p99 ms | errors |");
        b.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|");
        foreach (var scenario in Harness.Scenarios)
            foreach (var c in s.Concurrency)
            {
                var passes = r.Passes(scenario, c);
                if (passes.Count == 0) continue;
                var l = LoadResult.Pool(passes);
                b.AppendLine($"| {scenario} | {c} | {Passes(passes.Count)} | {S(r.Throughput(scenario, c), "N0")} | {F(l.P50Ms, "F2")} | {F(l.P95Ms, "F2")} | {F(l.P99Ms, "F2")} | {l.Errors} |");
            }
        b.AppendLine();

        b.AppendLine("### Ratios (throughput)");
        b.AppendLine();
        b.AppendLine("| ratio | " + string.Join(" | ", s.Concurrency.Select(c => c == gc ? $"c={c} (median (min–max) of {s.Rounds} rounds)" : $"c={c} (one pass)")) + " |");
        b.AppendLine("|---|" + string.Concat(s.Concurrency.Select(_ => "---:|")));
        foreach (var (name, top, bottom) in RatioRows)
            b.AppendLine($"| {name} | " + string.Join(" | ", s.Concurrency.Select(c => S(r.Ratio(top, bottom, c)))) + " |");
        b.AppendLine();

    }

    private static string Count(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";

    private static string Times(IReadOnlyList<double> seconds) =>
        seconds.Count == 0 ? "not measured" : string.Join(", ", seconds.Select(Failover.Seconds));

    private static readonly (string Name, string Top, string Bottom)[] RatioRows =
    [
        ("a2 intake ÷ a1 (statements of an intake vs one-row insert)", Harness.A2Intake, Harness.A1),
        ("b ÷ a2, intake (Marten)", Harness.BIntake, Harness.A2Intake),
        ("b ÷ a2, contact attempt", Harness.BLifecycle, Harness.A2Lifecycle),
        ("**c ÷ a2, intake**", Harness.CIntake, Harness.A2Intake),
        ("**c ÷ a2, contact attempt**", Harness.CLifecycle, Harness.A2Lifecycle),
        ("**c ÷ b, intake** (HTTP + Wolverine)", Harness.CIntake, Harness.BIntake),
        ("**c ÷ b, contact attempt**", Harness.CLifecycle, Harness.BLifecycle)
    ];

    private static void RatioGoal(StringBuilder b, string goal, Spread ratio, double target) =>
        Row(b, goal, !double.IsNaN(ratio.Median) && ratio.Median >= target, S(ratio),
            $"{Passes(ratio.Count)}; {ratio.Meeting(target)} of {ratio.Count} meet it");

    /// <summary>A time goal is met when every measurement meets it.</summary>
    private static void TimeGoal(StringBuilder b, string goal, IReadOnlyList<double> seconds, string? failure)
    {
        var worst = seconds.Count == 0 ? double.NaN : seconds.Max();
        Row(b, goal, failure is null && seconds.Count > 0 && worst <= 15, seconds.Count == 0 ? "–" : $"worst {Failover.Seconds(worst)}",
            $"{Count(seconds.Count, "time")}: {Times(seconds)}" + (failure is null ? "" : $"; stopped: {failure}"));
    }

    private static void Row(StringBuilder b, string goal, bool met, string measured, string detail) =>
        b.AppendLine($"| {goal} | {(met ? "yes" : "**no**")} | {measured} | {detail} |");
}
