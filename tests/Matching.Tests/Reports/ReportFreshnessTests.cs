using System.Diagnostics;
using System.Net;
using Marten;
using Marten.Events;
using Matching.Service.Reports;
using Matching.Tests.Support;
using Npgsql;
using Xunit.Abstractions;

namespace Matching.Tests.Reports;

/// <summary>
/// How far the reports trail a steady stream of intakes: every 100 ms, the age of the oldest event the
/// report projection has not processed yet (0 when caught up). Numbers go to docs/benchmarks.md.
/// </summary>
public class ReportFreshnessTests(AppFixture app, ITestOutputHelper output) : IClassFixture<AppFixture>
{
    private const int IntakesPerSecond = 20;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task reports_trail_steady_intake_by_well_under_a_second()
    {
        // Let the daemon's agent be assigned and start before measuring.
        (await app.Host.Post("/api/intake", Samples.Intake())).Status.ShouldBe(HttpStatusCode.Created);
        await app.Store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));

        using var stop = new CancellationTokenSource(Duration);
        var submitted = 0;
        var submitter = Task.Run(async () =>
        {
            var clock = Stopwatch.StartNew();
            while (!stop.IsCancellationRequested)
            {
                var (status, _) = await app.Host.Post("/api/intake", Samples.Intake());
                status.ShouldBe(HttpStatusCode.Created);
                submitted++;
                var due = TimeSpan.FromSeconds((double)submitted / IntakesPerSecond);
                if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed);
            }
        });

        var samples = new List<double>();
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        // The age of the oldest event past the projection's position, by the database's clock, which stamped it.
        await using var command = new NpgsqlCommand("""
            select coalesce(extract(epoch from (now() - min(e.timestamp))), 0)
            from matching.mt_events e
            where e.seq_id > coalesce((select last_seq_id from matching.mt_event_progression where name = @shard), 0)
            """, connection);
        command.Parameters.AddWithValue("shard", ReportReads.FactsShard);
        while (!stop.IsCancellationRequested)
        {
            samples.Add(Convert.ToDouble(await command.ExecuteScalarAsync()));
            await Task.Delay(100);
        }
        await submitter;

        samples.Sort();
        double At(double p) => samples[(int)Math.Ceiling(p * samples.Count) - 1];
        output.WriteLine($"{submitted} intakes in {Duration.TotalSeconds:F0} s ({submitted / Duration.TotalSeconds:F1}/s); " +
                         $"{samples.Count} samples of report lag: p50 {At(0.5) * 1000:F0} ms, p95 {At(0.95) * 1000:F0} ms, max {samples[^1] * 1000:F0} ms");
        At(0.95).ShouldBeLessThan(1.0);
    }
}
