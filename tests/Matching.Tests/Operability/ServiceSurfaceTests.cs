using System.Net;
using System.Text;
using System.Text.Json;
using Matching.Service.Referrals;
using Marten;
using Matching.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Matching.Tests.Operability;

public class ServiceSurfaceTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task liveness_answers_200_without_a_token()
    {
        var (status, _) = await app.Host.Get("/health/live");
        status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task readiness_answers_200_when_the_database_and_schema_are_there()
    {
        var (status, body) = await app.Host.Get("/health/ready");
        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
    }

    [Fact]
    public async Task openapi_document_lists_the_routes_with_their_roles_and_problem_responses()
    {
        var (status, document) = await app.Host.Get("/openapi/v1.json");
        status.ShouldBe(HttpStatusCode.OK);

        var intake = document!["paths"]!["/api/intake"]!["post"]!;
        intake["description"]!.GetValue<string>().ShouldContain("Roles: anonymous");

        var triage = document["paths"]!["/api/referrals/{referralId}/triage"]!["post"]!;
        triage["description"]!.GetValue<string>().ShouldContain("Roles: coordinator, admin");
        var responses = triage["responses"]!.AsObject();
        responses.Select(r => r.Key).ShouldContain("400");
        responses["400"]!["content"]!.AsObject().Select(c => c.Key).ShouldContain("application/problem+json");
    }

    [Fact]
    public async Task docs_ui_answers_200_without_a_token()
    {
        using var client = app.Host.Client();
        var response = await client.GetAsync("/docs");
        // The UI redirects /docs to its canonical address (/docs/); follow it as a browser would.
        if (response.StatusCode is HttpStatusCode.Found or HttpStatusCode.MovedPermanently)
            response = await client.GetAsync(new Uri(client.BaseAddress!, response.Headers.Location!));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldContain("openapi");
    }

    [Fact]
    public async Task dev_token_printed_by_the_development_host_is_accepted_by_the_service()
    {
        var (exit, stdout, stderr) = await ServiceCommand.RunAsync(ServiceCommand.DevHostDll, ["dev-token", "--sub", "a", "--role", "coordinator"],
            environment: new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development" });
        exit.ShouldBe(0, stderr);
        var token = stdout.Trim();
        token.Split('.').Length.ShouldBe(3, "the command prints the JWT alone");

        var (status, body) = await app.Host.Post($"/api/referrals/{Guid.NewGuid()}/triage", new { priority = "routine" }, token);
        status.ShouldBe(HttpStatusCode.NotFound, body?.ToJsonString());

        var (anonymous, _) = await app.Host.Post($"/api/referrals/{Guid.NewGuid()}/triage", new { priority = "routine" });
        anonymous.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task intake_over_64_KiB_is_refused_with_413_and_appends_nothing()
    {
        var before = await EventCount();
        var padded = Samples.Intake() with { Notes = new string('x', 70 * 1024) };
        // Sent as a string so the request carries a Content-Length, as browsers and proxies send it.
        var (status, body) = await app.Host.Post("/api/intake", JsonSerializer.Serialize(padded, Http.Json));

        status.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        body!["status"]!.GetValue<int>().ShouldBe(413);
        (await EventCount()).ShouldBe(before);
    }

    [Fact]
    public async Task intake_sent_as_plain_text_is_refused_with_415_and_appends_nothing()
    {
        var before = await EventCount();
        using var client = app.Host.Client();
        var response = await client.PostAsync("/api/intake", new StringContent("hello", Encoding.UTF8, "text/plain"));

        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await EventCount()).ShouldBe(before);
    }

    private async Task<long> EventCount()
    {
        await using var session = app.Store.QuerySession();
        return await session.Events.QueryAllRawEvents().CountAsync();
    }
}
