using System.Net;
using Marten;
using Matching.Tests.Support;

namespace Matching.Tests.Api;

/// <summary>
/// Whatever a client sends to a command route, the answer is a 4xx, never a 5xx, and nothing is
/// appended. Runs over every POST/PUT route the service maps, so new routes are covered too.
/// </summary>
public class BadInputTests(AppFixture app) : IClassFixture<AppFixture>
{
    public static readonly TheoryData<string, string> Bodies = new()
    {
        { "malformed", "{ this is not json" },
        { "truncated", "{\"priority\": \"rout" },
        { "array instead of object", "[1, 2, 3]" },
        { "null", "null" },
        { "wrong types", "{\"priority\": 5, \"expectedVersion\": \"seven\", \"startsAt\": true, \"clinicianId\": 12, \"client\": \"x\", \"concerns\": \"trauma\", \"outcome\": [], \"reason\": {}, \"name\": 3, \"availability\": 5, \"caseloadLimit\": \"many\"}" },
        { "unknown enum", "{\"priority\": \"whenever\", \"outcome\": \"maybe\", \"actionTaken\": \"shrug\", \"channel\": \"pigeon\", \"by\": \"nobody\", \"format\": \"hologram\"}" },
        { "empty object", "{}" },
        { "control characters", "{\"priority\": \"routine\", \"note\": \"a\\u0000b\", \"reason\": \"a\\u0000b\", \"notes\": \"a\\u0000b\", \"name\": \"Grace\\u0001\", \"client\": {\"firstName\": \"Ann\\u0000\"}, \"availability\": [], \"caseloadLimit\": 5, \"weeklyNewClientLimit\": 1, \"acceptingNewClients\": true}" },
        { "duplicate keys", "{\"priority\": \"routine\", \"priority\": \"urgent\", \"reason\": \"x\", \"reason\": \"y\", \"availability\": [], \"availability\": []}" },
        { "numbers as strings", "{\"limit\": \"5\", \"expectedVersion\": \"1\", \"caseloadLimit\": \"5\", \"weeklyNewClientLimit\": \"1\", \"acceptingNewClients\": true, \"durationMinutes\": \"50\"}" },
        { "oversized", "{\"note\": \"" + new string('x', 70 * 1024) + "\"}" }
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task bad_bodies_get_a_4xx_and_append_nothing(string kind, string body)
    {
        var referralId = await SubmittedReferral();
        var routes = ApiRoute.All(app.Host).Where(r => r.Method is "POST" or "PUT").ToList();
        routes.ShouldNotBeEmpty();

        var failures = new List<string>();
        foreach (var route in routes)
        {
            var before = await app.EventCount();
            var token = TokenFor(route);
            var (status, problem) = await app.Host.Send(new HttpMethod(route.Method), route.Url(referralId, Guid.NewGuid()), body, token);
            var after = await app.EventCount();
            var code = (int)status;
            if (code is < 400 or >= 500) failures.Add($"{route} with {kind} body: {code} {problem?.ToJsonString()}");
            if (after != before) failures.Add($"{route} with {kind} body appended {after - before} event(s)");
        }

        failures.ShouldBeEmpty(string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task a_body_that_is_not_json_gets_415()
    {
        var client = app.Host.Client(Tokens.Coordinator);
        var referralId = await SubmittedReferral();
        var response = await client.PostAsync($"/api/referrals/{referralId}/triage",
            new StringContent("priority=routine", System.Text.Encoding.UTF8, "text/plain"));
        ((int)response.StatusCode).ShouldBe(415);
    }

    [Fact]
    public async Task an_invalid_field_is_named_in_the_errors_map()
    {
        var referralId = await SubmittedReferral();
        var (status, problem) = await app.Host.Post($"/api/referrals/{referralId}/triage", "{\"priority\": \"whenever\"}", Tokens.Coordinator);
        status.ShouldBe(HttpStatusCode.BadRequest);
        problem!["errors"]!.AsObject().ContainsKey("priority").ShouldBeTrue(problem.ToJsonString());
    }

    private static string? TokenFor(ApiRoute route) => route.Anonymous ? null : RoleTokens.Allowed(route);

    private async Task<Guid> SubmittedReferral()
    {
        var (status, body) = await app.Host.Post("/api/intake", Samples.Intake());
        status.ShouldBe(HttpStatusCode.Created);
        return body!["referralId"]!.GetValue<Guid>();
    }
}
