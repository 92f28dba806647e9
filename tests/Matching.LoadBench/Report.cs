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

    private static string F(double v, string format = "N0") => double.IsNaN(v) ? "–" : v.ToString(format, CultureInfo.InvariantCulture);

    public static string Render(RunResults r)
    {
        var s = r.Settings;
        var b = new StringBuilder();
        b.AppendLine($"## {Heading}");
        b.AppendLine();
        b.AppendLine("Written by `dotnet run -c Release --project tests/Matching.LoadBench` (this section only; `-- --quick` for a reduced run).");
        b.AppendLine($"Last run: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, level **{s.Level.ToString().ToLowerInvariant()}**, {r.Elapsed.TotalMinutes:F1} min in all. " +
                     $"Each scenario runs closed loops at concurrency {string.Join(", ", s.Concurrency)} for {s.Duration.TotalSeconds:0.#} s after a " +
                     $"{s.WarmUp.TotalSeconds:0.#} s warm-up; latencies are per operation as the client saw it.");
        b.AppendLine();
        b.AppendLine("### Machine and settings");
        foreach (var (k, v) in r.Machine) b.AppendLine($"- {k}: {v}");
        b.AppendLine("- everything (PostgreSQL, the service, the load generator) shares the same cores; read ratios, not absolute numbers.");
        b.AppendLine("- (c) is `dotnet Matching.Service.dll` in a child process, environment `Production` (static generated code, a certificate-protected key ring, RS256 access tokens from an OpenID Connect provider running in the benchmark process), Kestrel on 127.0.0.1, HTTP/1.1 keep-alive; its async daemon (audit trail, report facts) runs in it as in production.");
        b.AppendLine();

        b.AppendLine("### Writes: throughput and latency");
        b.AppendLine();
        b.AppendLine("| scenario | concurrency | ops/s | p50 ms | p95 ms | p99 ms | errors |");
        b.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var l in r.Loads.OrderBy(l => Order(l.Scenario)).ThenBy(l => l.Concurrency))
            b.AppendLine($"| {l.Scenario} | {l.Concurrency} | {F(l.PerSecond)} | {F(l.P50Ms, "F2")} | {F(l.P95Ms, "F2")} | {F(l.P99Ms, "F2")} | {l.Errors} |");
        b.AppendLine();

        b.AppendLine("### Ratios (throughput)");
        b.AppendLine();
        b.AppendLine("| ratio | " + string.Join(" | ", s.Concurrency.Select(c => $"c={c}")) + " |");
        b.AppendLine("|---|" + string.Concat(s.Concurrency.Select(_ => "---:|")));
        foreach (var (name, top, bottom) in RatioRows)
            b.AppendLine($"| {name} | " + string.Join(" | ", s.Concurrency.Select(c => F(Ratio(r, top, bottom, c), "F2"))) + " |");
        b.AppendLine();

        if (r.Rebuild is { } d)
        {
            b.AppendLine($"### Rebuild of every async projection ({d.Events:N0} events)");
            b.AppendLine();
            b.AppendLine($"Generated as {d.Events / Rebuild.EventsPerStory:N0} referral stories of {Rebuild.EventsPerStory} events with Marten's bulk COPY appender in {d.Generation.TotalSeconds:F1} s; " +
                         "statistics gathered (`vacuum (analyze)`, as autovacuum does after a bulk load); each projection rebuilt alone through " +
                         "`BuildProjectionDaemonAsync()` / `RebuildProjectionAsync(name)`, then all of them at once, each on its own daemon.");
            b.AppendLine();
            b.AppendLine("| what | time | events/s |");
            b.AppendLine("|---|---:|---:|");
            foreach (var p in d.Projections) b.AppendLine($"| rebuild {p.Projection} | {p.Elapsed.TotalSeconds:F1} s | {F(p.PerSecond)} |");
            b.AppendLine($"| **all async projections** (one after the other) | {d.AllProjections.TotalSeconds:F1} s | **{F(d.AllPerSecond)}** |");
            b.AppendLine($"| all async projections at once | {d.Together.TotalSeconds:F1} s | {F(d.TogetherPerSecond)} |");
            b.AppendLine($"| raw sequential read of mt_events (the daemon's columns and join, one pass) | {d.RawRead.TotalSeconds:F1} s | {F(d.RawPerSecond)} |");
            b.AppendLine();
        }

        b.AppendLine($"### Coordinator queue page ({r.QueueRows:N0} referrals, first page of 50, one client)");
        b.AppendLine();
        b.AppendLine("| query | samples | p50 ms | p95 ms | p99 ms |");
        b.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var (svc, raw) in r.Queue)
        {
            b.AppendLine($"| {svc.Variant} (`GET /api/referrals`) | {svc.Samples} | {F(svc.P50Ms, "F2")} | {F(svc.P95Ms, "F2")} | {F(svc.P99Ms, "F2")} |");
            b.AppendLine($"| {raw.Variant} | {raw.Samples} | {F(raw.P50Ms, "F2")} | {F(raw.P95Ms, "F2")} | {F(raw.P99Ms, "F2")} |");
        }
        b.AppendLine();

        var f = r.Freshness;
        b.AppendLine("### Report freshness under steady intake");
        b.AppendLine();
        b.AppendLine($"{f.Intakes} intakes over HTTP at {f.Rate:F1}/s; every 100 ms the age (database clock) of the oldest event the report facts projection has not processed yet (0 when caught up): " +
                     $"{f.Samples} samples, lag **p50 {f.P50Ms:F0} ms, p95 {f.P95Ms:F0} ms, max {f.MaxMs:F0} ms**.");
        b.AppendLine();

        b.AppendLine("### Cold start and memory");
        b.AppendLine();
        var cold = r.ColdStartsMs.OrderBy(x => x).ToList();
        b.AppendLine($"- Cold start in Production (process start to the first 2xx of `POST /api/intake`, static generated code, schema present): " +
                     $"{string.Join(", ", r.ColdStartsMs.Select(x => $"{x:F0} ms"))}; median **{F(Median(cold))} ms**.");
        var readyToRun = r.ColdStartsReadyToRunMs.OrderBy(x => x).ToList();
        if (readyToRun.Count > 0)
            b.AppendLine($"- The same, published ReadyToRun as the container image is (`dotnet publish -r {System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier} -p:PublishReadyToRun=true`): " +
                         $"{string.Join(", ", r.ColdStartsReadyToRunMs.Select(x => $"{x:F0} ms"))}; median **{F(Median(readyToRun))} ms**.");
        b.AppendLine($"- Peak working set (VmHWM) of the service process over the whole load run: **{r.PeakWorkingSetMiB:F0} MiB**.");
        b.AppendLine();

        b.AppendLine("### Goals (this run)");
        b.AppendLine();
        b.AppendLine("| goal | measured | met |");
        b.AppendLine("|---|---|---|");
        // The goals are set at concurrency 8 (the smoke level has no 8: it takes its highest).
        var gc = s.Concurrency.Contains(8) ? 8 : s.Concurrency.Max();
        Goal(b, $"(c) ÷ (a2) ≥ 0.6, intake, c={gc}", Ratio(r, Harness.CIntake, Harness.A2Intake, gc), 0.6);
        Goal(b, $"(c) ÷ (a2) ≥ 0.6, contact attempt, c={gc}", Ratio(r, Harness.CLifecycle, Harness.A2Lifecycle, gc), 0.6);
        Goal(b, $"(c) ÷ (b) ≥ 0.8, intake, c={gc}", Ratio(r, Harness.CIntake, Harness.BIntake, gc), 0.8);
        Goal(b, $"(c) ÷ (b) ≥ 0.8, contact attempt, c={gc}", Ratio(r, Harness.CLifecycle, Harness.BLifecycle, gc), 0.8);
        if (r.Rebuild is { } rb)
        {
            Goal(b, "(d) ≥ 0.5 × raw read (all, one after the other)", rb.AllPerSecond / rb.RawPerSecond, 0.5);
            var intake = r.Find(Harness.CIntake, gc)?.PerSecond ?? double.NaN;
            Goal(b, $"(d) ≥ 10 × sustained intake (all one after the other, events/s vs HTTP intakes/s at c={gc})", rb.AllPerSecond / intake, 10);
        }
        foreach (var (svc, raw) in r.Queue)
        {
            b.AppendLine($"| (e) p95 ≤ 10 ms, {svc.Variant[9..]} | {svc.P95Ms:F2} ms | {(svc.P95Ms <= 10 ? "yes" : "**no**")} |");
            Goal(b, $"(e) p95 ≤ 1.3 × raw SQL, {svc.Variant[9..]}", svc.P95Ms / raw.P95Ms, 1.3, lowerIsBetter: true);
        }
        // The deployed artifact is the ReadyToRun publish; the build output stands in when the run didn't publish.
        var (median, artifact) = readyToRun.Count > 0 ? (Median(readyToRun), "published ReadyToRun") : (Median(cold), "build output, JIT");
        b.AppendLine($"| cold start ≤ 1.5 s ({artifact}) | {median:F0} ms | {(median <= 1500 ? "yes" : "**no**")} |");
        b.AppendLine($"| working set under load ≤ 300 MB | {r.PeakWorkingSetMiB:F0} MiB | {(r.PeakWorkingSetMiB * 1.048576 <= 300 ? "yes" : "**no**")} |");
        b.AppendLine();
        return b.ToString();
    }

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

    private static int Order(string scenario) => Array.IndexOf(
        [Harness.A1, Harness.A2Intake, Harness.A2Lifecycle, Harness.BIntake, Harness.BLifecycle, Harness.CIntake, Harness.CLifecycle], scenario);

    private static double Ratio(RunResults r, string top, string bottom, int c) =>
        (r.Find(top, c)?.PerSecond ?? double.NaN) / (r.Find(bottom, c)?.PerSecond ?? double.NaN);

    private static void Goal(StringBuilder b, string goal, double value, double target, bool lowerIsBetter = false)
    {
        var met = !double.IsNaN(value) && (lowerIsBetter ? value <= target : value >= target);
        b.AppendLine($"| {goal} | {F(value, "F2")} | {(met ? "yes" : "**no**")} |");
    }

    private static double Median(IReadOnlyList<double> sorted) => sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
}
