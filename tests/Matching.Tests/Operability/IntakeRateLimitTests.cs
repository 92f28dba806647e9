using System.Net;
using System.Net.Http.Json;
using Marten;
using Matching.Tests.Support;

namespace Matching.Tests.Operability;

public sealed class RateLimitedAppFixture : AppFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Matching:IntakeRateLimitPerMinute"] = "3"
    };
}

public class IntakeRateLimitTests(RateLimitedAppFixture app) : IClassFixture<RateLimitedAppFixture>
{
    [Fact]
    public async Task fourth_intake_within_a_minute_gets_429_problem_details_and_appends_nothing()
    {
        for (var i = 0; i < 3; i++)
        {
            var (status, body) = await app.Host.Post("/api/intake", Samples.Intake());
            status.ShouldBe(HttpStatusCode.Created, body?.ToJsonString());
        }

        using var client = app.Host.Client();
        var response = await client.PostAsJsonAsync("/api/intake", Samples.Intake(), Http.Json);

        response.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        response.Headers.RetryAfter.ShouldNotBeNull();
        var problem = await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>();
        problem!["status"]!.GetValue<int>().ShouldBe(429);

        await using var session = app.Store.QuerySession();
        (await session.Events.QueryAllRawEvents().CountAsync()).ShouldBe(6, "three intakes, each with its link");
    }
}
