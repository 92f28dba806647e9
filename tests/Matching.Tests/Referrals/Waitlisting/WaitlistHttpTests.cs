using System.Net;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.Waitlisting;

public class WaitlistHttpTests(LifecycleFixture app) : IClassFixture<LifecycleFixture>
{
    [Fact]
    public async Task waitlisted_referral_is_proposed_later()
    {
        var referral = await app.Host.SubmittedReferral().Triaged().Waitlisted();
        (referral.Status, referral.Version).ShouldBe(("waitlisted", 4L));

        var proposed = await Task.FromResult(referral).Proposed();

        (proposed.Status, proposed.Version).ShouldBe(("proposed", 5L));
        (await referral.EventTypes()).ShouldBe(["IntakeSubmitted", "ClientLinkIssued", "ReferralTriaged", "ReferralWaitlisted", "MatchProposed"]);
    }

    [Fact]
    public async Task triaged_referral_can_wait_but_not_twice_and_an_untriaged_one_cannot()
    {
        var (untriaged, _) = await (await app.Host.SubmittedReferral()).Command("waitlist", new { reason = "No openings." });
        untriaged.ShouldBe(HttpStatusCode.Conflict);

        var referral = await app.Host.SubmittedReferral().Triaged().Waitlisted();
        referral.Status.ShouldBe("waitlisted");
        var (again, problem) = await referral.Command("waitlist", new { reason = "Still no openings." });
        again.ShouldBe(HttpStatusCode.Conflict, problem?.ToJsonString());
        var (noReason, _) = await (await app.Host.SubmittedReferral()).Command("waitlist", new { reason = "" });
        noReason.ShouldBe(HttpStatusCode.BadRequest);
    }
}
