using System.Net;
using Matching.Service.Referrals;
using Matching.Service.Shared;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.Closing;

public class CloseReferralHttpTests(LifecycleFixture app) : IClassFixture<LifecycleFixture>
{
    [Theory]
    [InlineData("withdrawn")]
    [InlineData("unreachable")]
    [InlineData("referredOut")]
    [InlineData("ineligible")]
    [InlineData("duplicate")]
    public async Task referral_closes_with_each_outcome(string outcome)
    {
        var referral = await app.Host.SubmittedReferral().Triaged();

        var (closed, body) = await referral.Command("close", new { outcome, note = "Per phone call." });

        closed.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        body!["status"]!.GetValue<string>().ShouldBe("closed");
        body["version"]!.GetValue<int>().ShouldBe(4);
        var last = (await referral.Events()).Last().Data.ShouldBeOfType<ReferralClosed>();
        Words.Wire(last.Outcome).ShouldBe(outcome);
    }

    [Fact]
    public async Task engaged_is_refused_as_a_closing_outcome()
    {
        var referral = await app.Host.SubmittedReferral();
        var (status, problem) = await referral.Command("close", new { outcome = "engaged" });
        status.ShouldBe(HttpStatusCode.BadRequest, problem?.ToJsonString());
        problem!["errors"]!["outcome"].ShouldNotBeNull();
        (await referral.Events()).Count.ShouldBe(2);
    }

    [Fact]
    public async Task closing_a_proposed_referral_withdraws_the_proposal_first()
    {
        var referral = await app.Host.SubmittedReferral().Triaged().Proposed();

        var (closed, body) = await referral.Command("close", new { outcome = "unreachable" });

        closed.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        body!["version"]!.GetValue<int>().ShouldBe(6);
        var events = await referral.Events();
        events[4].Data.ShouldBe(new ProposalWithdrawn(referral.ProposalId!.Value, referral.ClinicianId!.Value, "Referral closed", ClosesReferral: true));
        events[5].Data.ShouldBe(new ReferralClosed(ClosureOutcome.Unreachable, null, null));
    }

    [Fact]
    public async Task closing_a_booked_referral_cancels_the_session_and_frees_the_slot()
    {
        var referral = await app.Host.SubmittedReferral().Triaged().Proposed().Accepted().Booked();
        (await app.Host.SlotCount(referral.ClinicianId!.Value)).ShouldBe(1);

        var (closed, body) = await referral.Command("close", new { outcome = "withdrawn" });

        closed.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        (await referral.EventTypes()).TakeLast(2).ShouldBe(["FirstSessionCancelled", "ReferralClosed"]);
        (await referral.Events()).Last().Data.ShouldBeOfType<ReferralClosed>().ClinicianId.ShouldBe(referral.ClinicianId);
        (await app.Host.SlotCount(referral.ClinicianId!.Value)).ShouldBe(0);
    }

    [Fact]
    public async Task closed_referral_refuses_further_commands()
    {
        var referral = await app.Host.SubmittedReferral().Step("close", new { outcome = "duplicate" });
        (await referral.Command("contact-attempts", new { channel = "phone", outcome = "reached" })).Status.ShouldBe(HttpStatusCode.Conflict);
        (await referral.Command("triage", new { priority = "routine" })).Status.ShouldBe(HttpStatusCode.Conflict);
        (await referral.Command("close", new { outcome = "duplicate" })).Status.ShouldBe(HttpStatusCode.Conflict);
        (await referral.Events()).Count.ShouldBe(3);
    }
}
