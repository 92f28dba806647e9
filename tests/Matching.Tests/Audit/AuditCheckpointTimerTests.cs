using System.Diagnostics;
using Marten;
using Matching.Service.Audit;
using Matching.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Matching.Tests.Audit;

/// <summary>The periodic signing, on a clock the test moves by whole intervals.</summary>
public class AuditCheckpointTimerTests(ClockedAnchoredAppFixture app) : IClassFixture<ClockedAnchoredAppFixture>
{
    private AuditCheckpointTimer Timer => app.Host.Services.GetServices<IHostedService>().OfType<AuditCheckpointTimer>().Single();

    /// <summary>Moves the clock one interval on and waits until the signer has handled that tick.</summary>
    private async Task OneIntervalLater()
    {
        var runs = Timer.Runs;
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var waited = Stopwatch.StartNew();
        while (Timer.Runs == runs)
        {
            waited.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30), "the periodic signer did not run");
            await Task.Delay(50);
        }
    }

    private async Task<List<AuditCheckpoint>> Stored()
    {
        await using var session = app.Store.QuerySession();
        return (await session.Query<AuditCheckpoint>().OrderBy(x => x.Sequence).ToListAsync()).ToList();
    }

    [Fact]
    public async Task each_interval_signs_the_chain_end_once_and_skips_while_it_has_not_moved()
    {
        // Given events, and no interval passed yet
        await app.Host.SubmittedReferral().Triaged();
        var firstEnd = await app.Host.ChainEnd();
        app.Clock.Advance(TimeSpan.FromMinutes(4));
        await Task.Delay(200);
        (await Stored()).ShouldBeEmpty();

        // When the interval passes, the end is signed at the clock's time
        await OneIntervalLater();
        var first = (await Stored()).ShouldHaveSingleItem();
        first.Sequence.ShouldBe(firstEnd);
        first.At.ShouldBe(app.Clock.GetUtcNow(), TimeSpan.FromMilliseconds(1));
        first.KeyId.ShouldBe(app.KeyId);

        // Another interval without a new event signs nothing
        await OneIntervalLater();
        (await Stored()).ShouldHaveSingleItem().At.ShouldBe(first.At);

        // New events: the next interval signs the new end
        await app.Host.SubmittedReferral();
        var secondEnd = await app.Host.ChainEnd();
        await OneIntervalLater();
        (await Stored()).Select(c => c.Sequence).ShouldBe([firstEnd, secondEnd]);
    }
}
