using System.Net;
using Matching.Service.Referrals;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.SubmittingIntake;

public class IntakeAndTriageTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task intake_then_triage_moves_the_referral_to_awaiting_match()
    {
        var (status, body) = await app.Host.Post("/api/intake", Samples.Intake());
        status.ShouldBe(HttpStatusCode.Created, body?.ToJsonString());
        body!["status"]!.GetValue<string>().ShouldBe("awaitingTriage");
        body["version"]!.GetValue<int>().ShouldBe(2, "the intake and the client's first link");
        body["urgent"]!.GetValue<bool>().ShouldBeFalse();
        var id = body["referralId"]!.GetValue<Guid>();

        var (triaged, result) = await app.Host.Post($"/api/referrals/{id}/triage", new { priority = "routine" }, Tokens.Coordinator);
        triaged.ShouldBe(HttpStatusCode.OK, result?.ToJsonString());
        result!["status"]!.GetValue<string>().ShouldBe("awaitingMatch");
        result["version"]!.GetValue<int>().ShouldBe(3);

        var (again, problem) = await app.Host.Post($"/api/referrals/{id}/triage", new { priority = "routine" }, Tokens.Coordinator);
        again.ShouldBe(HttpStatusCode.Conflict, problem?.ToJsonString());

        await using var session = app.Store.LightweightSession();
        var events = await session.Events.FetchStreamAsync(id);
        events.Count.ShouldBe(3);
        events[2].Headers!["actor-sub"].ToString().ShouldBe("coord-1");
        events[0].Headers!["actor-sub"].ToString().ShouldBe("anonymous");
        events[1].Headers!["actor-sub"].ToString().ShouldBe("anonymous");
        events[2].CorrelationId.ShouldNotBeNullOrEmpty();
    }
}
