using Matching.LoadBench;
using Matching.Tests.Support;

namespace Matching.Tests.Benchmarks;

/// <summary>
/// Keeps the load benchmark working: its `--quick` level (about two minutes) runs every scenario against the tests'
/// PostgreSQL (an API node and workers as child processes) and writes its section to a temporary file. Only that
/// numbers came out is asserted, never speed.
/// </summary>
[Collection(RunAlone.Name)]
public class QuickBenchmarkTests
{
    [Fact]
    public async Task quick_run_measures_every_scenario_and_writes_its_section()
    {
        var server = await TestDatabase.CreateDatabaseAsync("bench");
        var output = Path.Combine(Path.GetTempPath(), $"benchmarks-{Guid.NewGuid():N}.md");
        await File.WriteAllTextAsync(output, "# Benchmarks\n\n## Another section\n\nkept\n");
        try
        {
            var exit = await Harness.RunAsync(["--quick", "--out", output, "--postgres", server]);

            exit.ShouldBe(0);
            var doc = await File.ReadAllTextAsync(output);
            doc.ShouldContain("## Another section\n\nkept");
            doc.ShouldContain($"## {Report.Heading}");
            foreach (var scenario in Harness.Scenarios)
                foreach (var concurrency in new[] { 1, 8, 32 })
                    doc.ShouldContain($"| {scenario} | {concurrency} | {(concurrency == 8 && scenario != Harness.A1 ? "3 rounds" : "one pass")} |");
            foreach (var part in new[]
                     {
                         "| rebuild ReferralFacts |", "| rebuild AuditTrail |", "| all async projections at once |", "| raw sequential read", "| raw SQL: open referrals",
                         "Cold start of an API node", "lag **p50", "Peak working set (VmHWM) of the API node", "| (c) ÷ (b) ≥ 0.85, intake, c=8 |",
                         "| (c) ÷ (a2) ≥ 0.75, contact attempt, c=8 |", "| API node working set under load ≤ 200 MB |", "| failover: reports moving again ≤ 15 s",
                         "| projections moving again ≤ 15 s after a crash", "3 rounds; "
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
