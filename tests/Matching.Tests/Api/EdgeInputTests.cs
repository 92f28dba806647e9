using System.Net;
using Matching.Tests.Support;

namespace Matching.Tests.Api;

/// <summary>Inputs at the edges that once reached an exception instead of a clear 4xx.</summary>
public class EdgeInputTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task a_null_availability_window_in_an_intake_is_a_400()
    {
        var json = System.Text.Json.JsonSerializer.SerializeToNode(Samples.Intake(), Http.Json)!.AsObject();
        json["availability"] = new System.Text.Json.Nodes.JsonArray((System.Text.Json.Nodes.JsonNode?)null);
        var (status, problem) = await app.Host.Post("/api/intake", json.ToJsonString());
        status.ShouldBe(HttpStatusCode.BadRequest, problem?.ToJsonString());
    }

    [Fact]
    public async Task a_page_number_past_the_limit_is_a_400()
    {
        var (status, problem) = await app.Host.Get("/api/referrals?page=2147483647&pageSize=200", Tokens.Coordinator);
        status.ShouldBe(HttpStatusCode.BadRequest, problem?.ToJsonString());
        problem!["errors"]!.AsObject().ContainsKey("page").ShouldBeTrue();
    }

    [Fact]
    public async Task a_first_session_in_the_far_future_is_a_400()
    {
        var clinician = await app.Host.OnboardedClinician();
        var referral = await app.Host.SubmittedReferral().Triaged().ProposedTo(clinician).Accepted();
        var (status, problem) = await app.Host.Post($"/api/referrals/{referral.Id}/first-session",
            new { startsAt = "9999-12-31T23:30:00Z", format = "telehealth" }, Tokens.Coordinator);
        status.ShouldBe(HttpStatusCode.BadRequest, problem?.ToJsonString());
    }

    [Fact]
    public async Task risk_cannot_be_acknowledged_on_a_closed_referral()
    {
        var referral = await app.Host.SubmittedReferral(urgent: true);
        (await app.Host.Post($"/api/referrals/{referral.Id}/close", new { outcome = "duplicate" }, Tokens.Coordinator)).Status
            .ShouldBe(HttpStatusCode.OK);
        var (status, problem) = await app.Host.Post($"/api/referrals/{referral.Id}/risk-acknowledgement",
            new { actionTaken = "contactedClient", note = "Called." }, Tokens.Coordinator);
        status.ShouldBe(HttpStatusCode.Conflict, problem?.ToJsonString());
    }
}
