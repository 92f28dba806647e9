using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals.ClientLink;
using Matching.Tests.Support;

namespace Matching.Tests.Api;

/// <summary>
/// The client's contact correction and withdrawal through Prism's validating proxy: the document describes their routes,
/// bodies and every answer they give, the neutral 404 included.
/// </summary>
[Collection(RunAlone.Name)]
public class ClientLinkPrismTests(PrismFixture prism) : IClassFixture<PrismFixture>
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<string> _violations = [];

    private async Task<(HttpStatusCode Status, JsonNode? Body)> Send(string path, object? body, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, prism.ProxyUrl + path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body, Http.Json), Encoding.UTF8, "application/json");
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (response.Headers.TryGetValues("sl-violations", out var violations) || text.Contains("stoplight.io/prism/errors"))
            _violations.Add($"POST {path} → {(int)response.StatusCode}: {string.Join(" ", violations ?? [])} {text}");
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    [Fact]
    public async Task correcting_contact_details_and_withdrawing_pass_the_validating_proxy_without_a_violation()
    {
        var (created, intake) = await Send("/api/intake", Samples.Intake());
        created.ShouldBe(HttpStatusCode.Created, intake?.ToJsonString());
        var (issued, link) = await Send($"/api/referrals/{intake!["referralId"]}/client-link", null, Tokens.Coordinator);
        issued.ShouldBe(HttpStatusCode.OK, link?.ToJsonString());
        var token = new Uri(link!["url"]!.GetValue<string>()).Segments[^1];

        (await Send($"/api/client/{token}/contact", ApiExamples.For("CorrectContact")!.ToJsonString())).Status.ShouldBe(HttpStatusCode.OK);
        (await Send($"/api/client/{token}/contact", new { phone = "" })).Status.ShouldBe(HttpStatusCode.OK);
        var (refused, problem) = await Send($"/api/client/{token}/contact", new { email = "", phone = "" });
        refused.ShouldBe(HttpStatusCode.BadRequest, problem?.ToJsonString());
        (await Send($"/api/client/{ClientLinks.NewToken()}/contact", new { email = "a@example.org" })).Status.ShouldBe(HttpStatusCode.NotFound);
        (await Send($"/api/client/{token}/withdraw", ApiExamples.For("WithdrawRequest")!.ToJsonString())).Status.ShouldBe(HttpStatusCode.OK);
        (await Send($"/api/client/{token}/withdraw", new { })).Status.ShouldBe(HttpStatusCode.NotFound);

        _violations.ShouldBeEmpty();
    }
}
