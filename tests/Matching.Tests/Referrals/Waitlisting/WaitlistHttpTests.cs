using System.Net;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.Waitlisting;

public class WaitlistHttpTests(LifecycleFixture app) : IClassFixture<LifecycleFixture>
{
    [Fact]
    public async Task waitlisted_referral_is_proposed_later()
    {
        var referral = await app.Host.SubmittedReferral().Triaged().Waitlisted();
        (referral.Status, referral.Version).ShouldBe(("waitlisted", 3L));

        var proposed = await Task.FromResult(referral).Proposed();

        (proposed.Status, proposed.Version).ShouldBe(("proposed", 4L));
        (await referral.EventTypes()).ShouldBe(["IntakeSubmitted", "ReferralTriaged", "ReferralWaitlisted", "MatchProposed"]);
    }

    [Fact]
    public async Task untriaged_referral_can_wait_but_not_twice()
    {
        var referral = await app.Host.SubmittedReferral().Waitlisted();
        referral.Status.ShouldBe("waitlisted");
        var (again, problem) = await referral.Command("waitlist", new { reason = "Still no openings." });
        again.ShouldBe(HttpStatusCode.Conflict, problem?.ToJsonString());
        var (noReason, _) = await (await app.Host.SubmittedReferral()).Command("waitlist", new { reason = "" });
        noReason.ShouldBe(HttpStatusCode.BadRequest);
    }
}
