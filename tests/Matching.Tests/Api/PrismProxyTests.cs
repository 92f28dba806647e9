using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using JasperFx.CommandLine;
using Matching.Service.Infrastructure;
using Matching.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit.Abstractions;

namespace Matching.Tests.Api;

/// <summary>
/// The service on Kestrel behind Stoplight Prism's validating proxy (`prism proxy --errors`, from the npm registry), as an
/// integrator checking the document would put it: every request and every answer is checked against /openapi/v1.json,
/// and a mismatch becomes the proxy's own 422 (request) or 500 (answer) with an `sl-violations` header.
/// </summary>
public sealed class PrismFixture : IAsyncLifetime
{
    public const string Prism = "@stoplight/prism-cli@5.16.0";

    /// <summary>Low enough that the 429 case reaches it quickly, high enough for the lifecycle's intakes.</summary>
    public const int IntakesPerMinute = 12;

    private WebApplicationFactory<Program> _factory = null!;
    private Process? _prism;
    private string? _document;
    private readonly StringBuilder _prismOutput = new();

    public MovableClock Clock { get; } = new();
    public string ServiceUrl { get; private set; } = null!;
    public string ProxyUrl { get; private set; } = null!;

    /// <summary>An audit signing key, so checkpoints can be signed.</summary>
    private readonly string _signingKey = Path.Combine(Path.GetTempPath(), $"matching-prism-audit-{Guid.NewGuid():N}.pem");

    public async Task InitializeAsync()
    {
        JasperFxEnvironment.AutoStartHost = true;
        using (var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256))
            await File.WriteAllTextAsync(_signingKey, key.ExportPkcs8PrivateKeyPem());
        var connectionString = await TestDatabase.CreateDatabaseAsync(nameof(PrismFixture));
        (_factory, ServiceUrl) = KestrelService.Start(connectionString, Clock, new Dictionary<string, string>
        {
            ["Matching:IntakeRateLimitPerMinute"] = IntakesPerMinute.ToString(),
            ["Audit:SigningKeyPath"] = _signingKey
        });

        using var http = new HttpClient();
        _document = Path.Combine(Path.GetTempPath(), $"matching-prism-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(_document, await http.GetStringAsync($"{ServiceUrl}/openapi/v1.json"));

        var port = FreePort();
        ProxyUrl = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("npx",
            ["--yes", Prism, "proxy", _document, ServiceUrl, "--host", "127.0.0.1", "--port", port.ToString(), "--errors"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false
        };
        start.Environment["NO_UPDATE_NOTIFIER"] = "1";
        _prism = Process.Start(start) ?? throw new InvalidOperationException("npx is not installed (apt-get install nodejs npm).");
        _prism.OutputDataReceived += (_, e) => { lock (_prismOutput) _prismOutput.AppendLine(e.Data); };
        _prism.ErrorDataReceived += (_, e) => { lock (_prismOutput) _prismOutput.AppendLine(e.Data); };
        _prism.BeginOutputReadLine();
        _prism.BeginErrorReadLine();

        // The first run may fetch the package from the registry.
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (!await ListensAsync(port))
        {
            if (_prism.HasExited) throw new InvalidOperationException($"Prism exited ({_prism.ExitCode}): {Output}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Prism did not listen on {port}: {Output}");
            await Task.Delay(250);
        }
    }

    public string Output
    {
        get { lock (_prismOutput) return _prismOutput.ToString(); }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> ListensAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async Task DisposeAsync()
    {
        if (_prism is { HasExited: false })
        {
            // npx starts node as a child: the whole tree goes, so the run leaves no process behind.
            _prism.Kill(entireProcessTree: true);
            await _prism.WaitForExitAsync();
        }
        _prism?.Dispose();
        if (_document is not null) File.Delete(_document);
        File.Delete(_signingKey);
        if (_factory is not null) await _factory.DisposeAsync();
    }
}

/// <summary>
/// A whole lifecycle and every error the document declares, sent through Prism's validating proxy: zero violations means a
/// client validating against the document accepts every answer, and every request the contract allows goes through.
/// </summary>
[Collection(RunAlone.Name)]
public class PrismProxyTests(PrismFixture prism, ITestOutputHelper output) : IClassFixture<PrismFixture>
{
    private readonly List<string> _violations = [];
    private int _sent;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private sealed record Answer(HttpStatusCode Status, JsonNode? Body, HttpResponseHeaders Headers, string ContentType, string Text);

    /// <summary>Sends through the proxy and records any violation Prism found in the request or the answer.</summary>
    private async Task<Answer> Send(HttpMethod method, string path, string? token = null, JsonNode? body = null,
        string? raw = null, string contentType = "application/json", string? accept = null, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, prism.ProxyUrl + path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (accept is not null) request.Headers.Accept.ParseAdd(accept);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(name, value);
        if (body is not null || raw is not null)
            request.Content = new StringContent(raw ?? body!.ToJsonString(), Encoding.UTF8, contentType);
        using var response = await _http.SendAsync(request);
        _sent++;
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? node = null;
        try { node = text.Length > 0 && text.TrimStart() is ['{' or '[', ..] ? JsonNode.Parse(text) : null; } catch (System.Text.Json.JsonException) { }
        var fromProxy = node?["type"]?.GetValue<string>()?.StartsWith("https://stoplight.io/prism/errors", StringComparison.Ordinal) == true;
        if (response.Headers.TryGetValues("sl-violations", out var violations) || fromProxy)
        {
            _violations.Add($"{method} {path} → {(int)response.StatusCode}: {string.Join(" ", violations ?? [])} {(fromProxy ? text : "")}");
            output.WriteLine(_violations[^1]);
        }
        return new Answer(response.StatusCode, node, response.Headers, response.Content.Headers.ContentType?.MediaType ?? "", text);
    }

    private static JsonObject Example(string schema, long? expectedVersion = null)
    {
        var body = ApiExamples.For(schema)!.AsObject();
        if (expectedVersion is { } version) body["expectedVersion"] = version;
        else body.Remove("expectedVersion");
        return body;
    }

    private static long Version(Answer answer) => answer.Body!["version"]!.GetValue<long>();

    [Fact]
    public async Task a_whole_lifecycle_and_every_declared_error_pass_the_validating_proxy_without_a_violation()
    {
        var admin = Tokens.Admin;
        var coordinator = Tokens.Coordinator;

        // Directory: onboard (the document's example), read, change.
        var onboarded = await Send(HttpMethod.Post, "/api/clinicians", admin, Example("OnboardClinician"));
        onboarded.Status.ShouldBe(HttpStatusCode.Created, onboarded.Text);
        var clinicianId = onboarded.Body!["clinicianId"]!.GetValue<Guid>();
        var clinician = $"/api/clinicians/{clinicianId}";
        var version = Version(onboarded);
        (await Send(HttpMethod.Get, "/api/clinicians?specialty=anxiety&state=CO&accepting=true", coordinator)).Status.ShouldBe(HttpStatusCode.OK);
        (await Send(HttpMethod.Get, clinician, coordinator)).Status.ShouldBe(HttpStatusCode.OK);
        var profile = await Send(HttpMethod.Put, $"{clinician}/profile", admin, Example("UpdateClinicianProfile", version));
        profile.Status.ShouldBe(HttpStatusCode.OK, profile.Text);
        var capacity = await Send(HttpMethod.Put, $"{clinician}/capacity", admin, Example("ChangeClinicianCapacity", Version(profile)));
        capacity.Status.ShouldBe(HttpStatusCode.OK, capacity.Text);
        var availability = await Send(HttpMethod.Put, $"{clinician}/availability", admin, Example("ChangeClinicianAvailability", Version(capacity)));
        availability.Status.ShouldBe(HttpStatusCode.OK, availability.Text);
        var paused = await Send(HttpMethod.Post, $"{clinician}/pause", admin, Example("PauseClinician", Version(availability)));
        paused.Status.ShouldBe(HttpStatusCode.OK, paused.Text);
        (await Send(HttpMethod.Post, $"{clinician}/resume", admin, Example("ResumeClinician", Version(paused)))).Status.ShouldBe(HttpStatusCode.OK);

        // Intake: the example, once with a key, again with it (same referral), and the key with another intake (422).
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() };
        var intake = await Send(HttpMethod.Post, "/api/intake", body: Example("Intake"), headers: key);
        intake.Status.ShouldBe(HttpStatusCode.Created, intake.Text);
        intake.Headers.Location.ShouldNotBeNull();
        var referralId = intake.Body!["referralId"]!.GetValue<Guid>();
        var referral = $"/api/referrals/{referralId}";
        (await Send(HttpMethod.Post, "/api/intake", body: Example("Intake"), headers: key)).Status.ShouldBe(HttpStatusCode.OK);
        var other = Example("Intake");
        other["notes"] = "Another request.";
        (await Send(HttpMethod.Post, "/api/intake", body: other, headers: key)).Status.ShouldBe(HttpStatusCode.UnprocessableEntity);

        // A self-pay intake, urgent: the other payment shape, and the risk acknowledgement.
        var urgentBody = Example("Intake");
        urgentBody["payment"] = new JsonObject { ["method"] = "selfPay", ["maxSessionRate"] = 120 };
        urgentBody["safety"] = new JsonObject { ["thoughtsOfSelfHarm"] = "severalDays" };
        var urgent = await Send(HttpMethod.Post, "/api/intake", body: urgentBody);
        urgent.Status.ShouldBe(HttpStatusCode.Created, urgent.Text);
        var urgentReferral = $"/api/referrals/{urgent.Body!["referralId"]}";
        (await Send(HttpMethod.Post, $"{urgentReferral}/risk-acknowledgement", coordinator, Example("AcknowledgeRisk", Version(urgent))))
            .Status.ShouldBe(HttpStatusCode.OK);

        // Triage, suggestions, proposal, the clinician's inbox, acceptance, contact, booking, reschedule, outcome, closure.
        var triaged = await Send(HttpMethod.Post, $"{referral}/triage", coordinator, Example("TriageReferral", Version(intake)));
        triaged.Status.ShouldBe(HttpStatusCode.OK, triaged.Text);
        var suggested = await Send(HttpMethod.Post, $"{referral}/match-suggestions", coordinator, Example("SuggestMatches", Version(triaged)));
        suggested.Status.ShouldBe(HttpStatusCode.OK, suggested.Text);
        var propose = Example("ProposeMatch", Version(suggested));
        propose["clinicianId"] = clinicianId;
        var proposed = await Send(HttpMethod.Post, $"{referral}/proposals", coordinator, propose);
        proposed.Status.ShouldBe(HttpStatusCode.Created, proposed.Text);
        var proposalId = proposed.Body!["proposalId"]!.GetValue<Guid>();
        var clinicianToken = Tokens.Clinician(clinicianId);
        (await Send(HttpMethod.Get, "/api/me/proposals?status=pending", clinicianToken)).Status.ShouldBe(HttpStatusCode.OK);
        var accepted = await Send(HttpMethod.Post, $"{referral}/proposals/{proposalId}/accept", clinicianToken, Example("AcceptProposal", Version(proposed)));
        accepted.Status.ShouldBe(HttpStatusCode.OK, accepted.Text);
        var contacted = await Send(HttpMethod.Post, $"{referral}/contact-attempts", coordinator, Example("RecordContactAttempt", Version(accepted)));
        contacted.Status.ShouldBe(HttpStatusCode.OK, contacted.Text);
        // Inside the clinician's hours as the availability example left them (Thursdays 17:00-20:00).
        var startsAt = NextThursdayEvening();
        var booking = Example("BookFirstSession", Version(contacted));
        booking["startsAt"] = startsAt.ToString("O");
        var booked = await Send(HttpMethod.Post, $"{referral}/first-session", coordinator, booking);
        booked.Status.ShouldBe(HttpStatusCode.Created, booked.Text);
        var reschedule = Example("RescheduleFirstSession", Version(booked));
        reschedule["startsAt"] = startsAt.AddDays(7).ToString("O");
        var rescheduled = await Send(HttpMethod.Post, $"{referral}/first-session/reschedule", coordinator, reschedule);
        rescheduled.Status.ShouldBe(HttpStatusCode.OK, rescheduled.Text);
        (await Send(HttpMethod.Get, "/api/me/proposals?status=all", clinicianToken)).Status.ShouldBe(HttpStatusCode.OK);

        // The urgent one, once acknowledged: booked, then cancelled.
        var urgentTriaged = await Send(HttpMethod.Post, $"{urgentReferral}/triage", coordinator, Example("TriageReferral"));
        urgentTriaged.Status.ShouldBe(HttpStatusCode.OK, urgentTriaged.Text);
        // Self-pay at 120 is under the clinician's rate: proposed with an override.
        var overridden = propose.DeepClone().AsObject().WithoutVersion();
        overridden["overrideReason"] = "The clinician offers a sliding scale from 90.";
        var urgentProposed = await Send(HttpMethod.Post, $"{urgentReferral}/proposals", coordinator, overridden);
        urgentProposed.Status.ShouldBe(HttpStatusCode.Created, urgentProposed.Text);
        (await Send(HttpMethod.Post, $"{urgentReferral}/proposals/{urgentProposed.Body!["proposalId"]}/accept", clinicianToken, Example("AcceptProposal")))
            .Status.ShouldBe(HttpStatusCode.OK);
        var urgentBooking = Example("BookFirstSession");
        urgentBooking["startsAt"] = startsAt.ToString("O");
        (await Send(HttpMethod.Post, $"{urgentReferral}/first-session", coordinator, urgentBooking)).Status.ShouldBe(HttpStatusCode.Created);
        var cancelled = await Send(HttpMethod.Post, $"{urgentReferral}/first-session/cancel", coordinator, Example("CancelFirstSession"));
        cancelled.Status.ShouldBe(HttpStatusCode.OK, cancelled.Text);

        // The other paths: withdraw, decline, waitlist.
        var second = await Send(HttpMethod.Post, "/api/intake", body: Example("Intake"));
        var secondReferral = $"/api/referrals/{second.Body!["referralId"]}";
        (await Send(HttpMethod.Post, $"{secondReferral}/triage", coordinator, Example("TriageReferral"))).Status.ShouldBe(HttpStatusCode.OK);
        var firstProposal = await Send(HttpMethod.Post, $"{secondReferral}/proposals", coordinator, propose.DeepClone().AsObject().WithoutVersion());
        firstProposal.Status.ShouldBe(HttpStatusCode.Created, firstProposal.Text);
        (await Send(HttpMethod.Post, $"{secondReferral}/proposals/{firstProposal.Body!["proposalId"]}/withdraw", coordinator, Example("WithdrawProposal")))
            .Status.ShouldBe(HttpStatusCode.OK);
        // A withdrawn clinician isn't proposed again: a colleague is, and declines.
        var colleagueBody = Example("OnboardClinician");
        colleagueBody["name"] = "Dana Whitfield";
        colleagueBody["email"] = "dana.whitfield@example.org";
        var colleague = await Send(HttpMethod.Post, "/api/clinicians", admin, colleagueBody);
        colleague.Status.ShouldBe(HttpStatusCode.Created, colleague.Text);
        var colleagueId = colleague.Body!["clinicianId"]!.GetValue<Guid>();
        var toColleague = propose.DeepClone().AsObject().WithoutVersion();
        toColleague["clinicianId"] = colleagueId;
        var secondProposal = await Send(HttpMethod.Post, $"{secondReferral}/proposals", coordinator, toColleague);
        secondProposal.Status.ShouldBe(HttpStatusCode.Created, secondProposal.Text);
        (await Send(HttpMethod.Post, $"{secondReferral}/proposals/{secondProposal.Body!["proposalId"]}/decline", Tokens.Clinician(colleagueId, "clinician-2"),
            Example("DeclineProposal")))
            .Status.ShouldBe(HttpStatusCode.OK);
        (await Send(HttpMethod.Post, $"{secondReferral}/waitlist", coordinator, Example("WaitlistReferral"))).Status.ShouldBe(HttpStatusCode.OK);

        // After the session: its outcome, and the referral closed.
        prism.Clock.Advance(startsAt.AddDays(8) - DateTimeOffset.UtcNow);
        var attended = await Send(HttpMethod.Post, $"{referral}/first-session/outcome", coordinator, Example("RecordFirstSessionOutcome", Version(rescheduled)));
        attended.Status.ShouldBe(HttpStatusCode.OK, attended.Text);
        var closed = await Send(HttpMethod.Post, $"{secondReferral}/close", coordinator, Example("CloseReferral"));
        closed.Status.ShouldBe(HttpStatusCode.OK, closed.Text);

        // Reads: queue, detail, timeline, reports (JSON and CSV), audit.
        (await Send(HttpMethod.Get, "/api/referrals?status=waitlisted&urgent=false&page=1&pageSize=25", coordinator)).Status.ShouldBe(HttpStatusCode.OK);
        (await Send(HttpMethod.Get, "/api/referrals?overdue=true&concern=anxiety", coordinator)).Status.ShouldBe(HttpStatusCode.OK);
        (await Send(HttpMethod.Get, referral, coordinator)).Status.ShouldBe(HttpStatusCode.OK);
        (await Send(HttpMethod.Get, urgentReferral, coordinator)).Status.ShouldBe(HttpStatusCode.OK);
        (await Send(HttpMethod.Get, $"{referral}/timeline", coordinator)).Status.ShouldBe(HttpStatusCode.OK);
        var analyst = Tokens.Analyst;
        foreach (var report in new[] { "funnel", "time-to-first-session", "match-outcomes?groupBy=concern", "no-shows", "risk", "utilization", "waitlist", "reminders" })
        {
            var separator = report.Contains('?') ? '&' : '?';
            (await Send(HttpMethod.Get, $"/api/reports/{report}{separator}from=2026-01-01&to=2027-12-31", analyst)).Status.ShouldBe(HttpStatusCode.OK);
            var csv = await Send(HttpMethod.Get, $"/api/reports/{report}", analyst, accept: "text/csv");
            csv.Status.ShouldBe(HttpStatusCode.OK);
            csv.ContentType.ShouldBe("text/csv");
        }
        var compliance = Tokens.Compliance;
        (await Send(HttpMethod.Get, $"/api/audit/referrals/{referralId}", compliance)).Status.ShouldBe(HttpStatusCode.OK);
        (await Send(HttpMethod.Get, "/api/audit/actors/coord-1?from=2026-01-01", compliance)).Status.ShouldBe(HttpStatusCode.OK);
        (await Send(HttpMethod.Get, "/api/audit/export?format=csv", compliance)).ContentType.ShouldBe("text/csv");
        (await Send(HttpMethod.Get, "/api/audit/export", compliance)).ContentType.ShouldBe("application/x-ndjson");
        (await Send(HttpMethod.Get, "/api/audit/integrity", compliance)).Status.ShouldBe(HttpStatusCode.OK);
        // The trail is written by an async projection: until it has caught up there is nothing to sign (a declared 409).
        var signed = await Send(HttpMethod.Post, "/api/audit/checkpoints", compliance);
        for (var i = 0; i < 40 && signed.Status == HttpStatusCode.Conflict; i++)
        {
            await Task.Delay(250);
            signed = await Send(HttpMethod.Post, "/api/audit/checkpoints", compliance);
        }
        signed.Status.ShouldBe(HttpStatusCode.Created, signed.Text);
        (await Send(HttpMethod.Get, "/api/audit/checkpoints?limit=10", compliance)).Status.ShouldBe(HttpStatusCode.OK);
        var erased = await Send(HttpMethod.Post, $"{referral}/erasure", compliance, Example("EraseClientData"));
        erased.Status.ShouldBe(HttpStatusCode.OK, erased.Text);
        (await Send(HttpMethod.Get, referral, coordinator)).Status.ShouldBe(HttpStatusCode.OK);
        var offboarded = await Send(HttpMethod.Post, $"{clinician}/offboard", admin, Example("OffboardClinician"));
        offboarded.Status.ShouldBe(HttpStatusCode.OK, offboarded.Text);

        // Errors the document declares, each as the service answers it.
        var triage = Example("TriageReferral");
        triage["note"] = "a\u0000b";
        (await Send(HttpMethod.Post, $"{urgentReferral}/triage", coordinator, triage)).Status.ShouldBe(HttpStatusCode.BadRequest);
        (await Send(HttpMethod.Get, "/api/reports/funnel?from=2026-12-31&to=2026-01-01", analyst)).Status.ShouldBe(HttpStatusCode.BadRequest);
        (await Send(HttpMethod.Get, "/api/referrals", "not-a-token")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await Send(HttpMethod.Post, $"{urgentReferral}/triage", analyst, Example("TriageReferral"))).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await Send(HttpMethod.Get, $"/api/referrals/{Guid.NewGuid()}", coordinator)).Status.ShouldBe(HttpStatusCode.NotFound);
        (await Send(HttpMethod.Post, $"/api/referrals/{Guid.NewGuid()}/triage", coordinator, Example("TriageReferral"))).Status.ShouldBe(HttpStatusCode.NotFound);
        (await Send(HttpMethod.Post, $"{urgentReferral}/triage", coordinator, Example("TriageReferral", 1))).Status.ShouldBe(HttpStatusCode.Conflict);
        (await Send(HttpMethod.Post, $"{referral}/triage", coordinator, Example("TriageReferral"))).Status.ShouldBe(HttpStatusCode.Conflict);
        // Past the 64 KiB body limit with a member the schema leaves open (the proxy forwards the body re-serialized, so
        // whitespace padding wouldn't reach the service).
        var padded = Example("TriageReferral");
        padded["padding"] = new string('x', 70_000);
        (await Send(HttpMethod.Post, $"{urgentReferral}/triage", coordinator, padded)).Status.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        // Requests the document itself forbids (not JSON, or JSON that doesn't parse) never get past the validating proxy:
        // they go to the service directly, and its answers are the problem details the document declares.
        await DirectlyAnswersDeclaredProblem($"{urgentReferral}/triage", coordinator, "priority=routine", "text/plain", HttpStatusCode.UnsupportedMediaType);
        await DirectlyAnswersDeclaredProblem($"{urgentReferral}/triage", coordinator, "{\"priority\": ", "application/json", HttpStatusCode.BadRequest);
        var limited = false;
        for (var i = 0; i < PrismFixture.IntakesPerMinute + 2 && !limited; i++)
        {
            var flood = await Send(HttpMethod.Post, "/api/intake", body: Example("Intake"));
            limited = flood.Status == HttpStatusCode.TooManyRequests;
            if (limited) flood.Headers.RetryAfter.ShouldNotBeNull();
        }
        limited.ShouldBeTrue();

        output.WriteLine($"{_sent} requests through the proxy, {_violations.Count} violations");
        _violations.ShouldBeEmpty(string.Join(Environment.NewLine, _violations));
    }

    private async Task DirectlyAnswersDeclaredProblem(string path, string token, string body, string contentType, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, prism.ServiceUrl + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Content = new StringContent(body, Encoding.UTF8, contentType);
        using var response = await _http.SendAsync(request);
        response.StatusCode.ShouldBe(expected);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        var document = JsonNode.Parse(await _http.GetStringAsync($"{prism.ServiceUrl}/openapi/v1.json"))!;
        var template = "/api/referrals/{referralId}/triage";
        document["paths"]![template]!["post"]!["responses"]![((int)expected).ToString()]!["content"]!["application/problem+json"].ShouldNotBeNull();
    }

    /// <summary>A Tuesday 18:00 in the practice's zone at least two days ahead: inside the example clinician's hours.</summary>
    private static DateTimeOffset NextThursdayEvening()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/Denver");
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(2);
        while (day.DayOfWeek != DayOfWeek.Thursday) day = day.AddDays(1);
        var local = day.ToDateTime(new TimeOnly(18, 0));
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}

internal static class JsonBodies
{
    public static JsonObject WithoutVersion(this JsonObject body)
    {
        body.Remove("expectedVersion");
        return body;
    }
}
