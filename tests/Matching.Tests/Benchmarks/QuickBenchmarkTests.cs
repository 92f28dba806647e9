using Matching.LoadBench;
using Matching.Tests.Support;

namespace Matching.Tests.Benchmarks;

/// <summary>Runs only when <c>MATCHING_BENCH_QUICK=1</c>: the benchmark's quick level takes minutes, too long for every test run.</summary>
public sealed class QuickBenchmarkFactAttribute : FactAttribute
{
    public const string Variable = "MATCHING_BENCH_QUICK";

    public QuickBenchmarkFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1")
            Skip = $"The quick benchmark runs when asked: {Variable}=1 dotnet test tests/Matching.Tests --filter FullyQualifiedName~QuickBenchmarkTests";
    }
}

/// <summary>
/// Keeps the load benchmark working. Every test run takes its `--smoke` level (tiny sizes, every part once, seconds):
/// it runs every scenario against the tests' PostgreSQL (an API node and workers as child processes) and writes its
/// section to a temporary file. The `--quick` level (about two minutes) runs when asked (<see cref="QuickBenchmarkFactAttribute" />).
/// Only that numbers came out is asserted, never speed.
/// </summary>
[Collection(RunAlone.Name)]
public class QuickBenchmarkTests
{
    [Fact]
    public Task smoke_run_measures_every_scenario_and_writes_its_section() => RunsEveryScenario("--smoke", [1, 4], goal: 4, rounds: 2);

    [QuickBenchmarkFact]
    public Task quick_run_measures_every_scenario_and_writes_its_section() => RunsEveryScenario("--quick", [1, 8, 32], goal: 8, rounds: 3);

    private static async Task RunsEveryScenario(string level, int[] concurrencies, int goal, int rounds)
    {
        var server = await TestDatabase.CreateDatabaseAsync("bench");
        var output = Path.Combine(Path.GetTempPath(), $"benchmarks-{Guid.NewGuid():N}.md");
        await File.WriteAllTextAsync(output, "# Benchmarks\n\n## Another section\n\nkept\n");
        try
        {
            var exit = await Harness.RunAsync([level, "--out", output, "--postgres", server]);

            exit.ShouldBe(0);
            var doc = await File.ReadAllTextAsync(output);
            doc.ShouldContain("## Another section\n\nkept");
            doc.ShouldContain($"## {Report.Heading}");
            foreach (var scenario in Harness.Scenarios)
                foreach (var concurrency in concurrencies)
                    doc.ShouldContain($"| {scenario} | {concurrency} | {(concurrency == goal && scenario != Harness.A1 ? $"{rounds} rounds" : "one pass")} |");
            foreach (var part in new[]
                     {
                         "| rebuild ReferralFacts |", "| rebuild AuditTrail |", "| all async projections at once |", "| raw sequential read", "| raw SQL: open referrals",
                         "Cold start of an API node", "lag **p50", "Peak working set (VmHWM) of the API node", $"| (c) ÷ (b) ≥ 0.85, intake, c={goal} |",
                         $"| (c) ÷ (a2) ≥ 0.75, contact attempt, c={goal} |", "| API node working set under load ≤ 200 MB |", "| failover: reports moving again ≤ 15 s",
                         "| projections moving again ≤ 15 s after a crash", $"{rounds} rounds; "
                     })
                doc.ShouldContain(part);
            doc.ShouldNotContain("the drill stopped early");
            // A scenario that produced nothing renders as a dash.
            doc.ShouldNotContain("| – |");
            doc.ShouldNotContain("NaN");
        }
        finally
        {
            File.Delete(output);
        }
    }
}
