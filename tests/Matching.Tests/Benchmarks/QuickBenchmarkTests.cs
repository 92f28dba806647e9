using Matching.LoadBench;
using Matching.Tests.Support;

namespace Matching.Tests.Benchmarks;

/// <summary>
/// Keeps the load benchmark working: its `--quick` level (a few minutes) runs every scenario against the tests'
/// PostgreSQL and writes its section to a temporary file. Only that numbers came out is asserted, never speed.
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
            foreach (var scenario in new[] { Harness.A1, Harness.A2Intake, Harness.A2Lifecycle, Harness.BIntake, Harness.BLifecycle, Harness.CIntake, Harness.CLifecycle })
                foreach (var concurrency in new[] { 1, 8, 32 })
                    doc.ShouldContain($"| {scenario} | {concurrency} |");
            foreach (var part in new[] { "| rebuild ReferralFacts |", "| rebuild AuditTrail |", "| all async projections at once |", "| raw sequential read", "| raw SQL: open referrals", "Cold start in Production", "lag **p50", "Peak working set" })
                doc.ShouldContain(part);
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
