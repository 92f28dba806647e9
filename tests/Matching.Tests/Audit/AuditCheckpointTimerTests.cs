using Matching.Service.Audit;
using Matching.Tests.Support;

namespace Matching.Tests.Audit;

/// <summary>The periodic signing, on a clock the test moves by whole intervals.</summary>
public class AuditCheckpointTimerTests(ClockedAnchoredAppFixture app) : IClassFixture<ClockedAnchoredAppFixture>
{
    private Task OneIntervalLater() => app.OneIntervalLater();

    private Task<List<AuditCheckpoint>> Stored() => app.Host.StoredCheckpoints();

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
