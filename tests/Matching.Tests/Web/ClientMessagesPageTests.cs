using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Deque.AxeCore.Playwright;
using JasperFx.CommandLine;
using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Shared;
using Matching.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MimeKit;
using static Matching.Tests.Notifications.ClientMessageSteps;

namespace Matching.Tests.Web;

/// <summary>
/// The service on Kestrel sending its emails to a <see cref="LocalSmtpServer"/>, with reminders six seconds before each
/// session, and Chromium: what a client reads in the browser after the form and after a reminder.
/// </summary>
public sealed class ClientMessagesBrowserFixture : IAsyncLifetime
{
    private WebApplicationFactory<Program> _factory = null!;
    private IPlaywright _playwright = null!;

    public LocalSmtpServer Mail { get; } = new();
    public MovableClock Clock { get; } = new();
    public IBrowser Browser { get; private set; } = null!;
    public string BaseUrl { get; private set; } = null!;
    public IServiceProvider Services => _factory.Services;

    public async Task InitializeAsync()
    {
        JasperFxEnvironment.AutoStartHost = true;
        var connectionString = await TestDatabase.CreateDatabaseAsync(nameof(ClientMessagesBrowserFixture));
        (_factory, BaseUrl) = KestrelService.Start(connectionString, Clock, new Dictionary<string, string>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = Mail.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp:UseTls"] = "false",
            ["Matching:ReminderLeadTimes"] = "00:00:06",
        });
        _playwright = await Playwright.CreateAsync();
        Browser = await BrowserFixture.LaunchChromiumAsync(_playwright);
    }

    /// <summary>A phone-sized page on this service.</summary>
    public async Task<IPage> PhoneAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, ViewportSize = new ViewportSize { Width = 390, Height = 900 } });
        context.SetDefaultTimeout(60_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (_factory is not null) await _factory.DisposeAsync();
        await Mail.DisposeAsync();
    }
}

public class ClientMessagesPageTests(ClientMessagesBrowserFixture app) : IClassFixture<ClientMessagesBrowserFixture>
{
    private static readonly TimeZoneInfo Denver = TimeZoneInfo.FindSystemTimeZoneById("America/Denver");

    /// <summary>The link in a message, on this service (messages carry the practice's public address).</summary>
    private static string PathOf(MimeMessage mail) => $"/r/{LinkToken(mail.TextBody!)}";

    /// <summary>axe-core at 1280 and at 390 px, failing on any violation, and a screenshot of each.</summary>
    private static async Task CheckAtBothWidthsAsync(IPage page, string state)
    {
        foreach (var width in new[] { 1280, 390 })
        {
            await page.SetViewportSizeAsync(width, 900);
            var result = await page.RunAxe();
            result.Violations.Select(v => $"{v.Id}: {v.Help}").ShouldBeEmpty($"axe-core on {state} at {width} px");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, $"{state}-{width}.png"), FullPage = true });
        }
        await page.SetViewportSizeAsync(390, 900);
    }

    [Fact]
    public async Task after_the_form_the_client_gets_an_email_whose_link_opens_their_request_with_the_reference_they_were_shown()
    {
        var page = await app.PhoneAsync();
        var lastName = $"Confirm{Guid.NewGuid():N}"[..18];
        await page.GotoAsync("/");
        await PageSteps.FillIntakeAsync(page, lastName);
        await page.ClickAsync("#send");
        await page.WaitForURLAsync("**/thanks");
        var reference = (await page.TextContentAsync("#reference"))!.Trim();

        var mail = (await Exactly(() => app.Mail.To($"robin.{lastName.ToLowerInvariant()}@example.org"), 1)).Single();
        mail.Subject!.ShouldContain(reference);
        mail.TextBody.ShouldStartWith("Hello Robin,");

        await page.GotoAsync(PathOf(mail));
        (await page.TextContentAsync(".reference strong"))!.Trim().ShouldBe(reference);
        (await page.TextContentAsync("h1"))!.ShouldBe("We have your request.");
        await CheckAtBothWidthsAsync(page, "client-link-from-confirmation");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task the_reminders_link_opens_the_clients_page_on_the_session_it_reminds_of()
    {
        var email = NewEmail();
        var startsAt = await BookedAsync(email, ahead: TimeSpan.FromSeconds(10));

        var mail = (await Exactly(() => app.Mail.To(email).Where(m => m.Subject!.StartsWith("Reminder:", StringComparison.Ordinal)), 1)).Single();
        mail.TextBody!.ShouldContain("By video. Join a few minutes early here: https://video.example.org/ines-reminder");

        var page = await app.PhoneAsync();
        await page.GotoAsync(PathOf(mail));
        (await page.TextContentAsync("#session-heading"))!.ShouldBe("Your first session");
        // The page spells the day out and gives the session's span: "Sunday 6 December, 23:07–23:57 MST".
        var local = PracticeTime.Local(startsAt, Denver);
        (await page.Locator("section[aria-labelledby='session-heading']").TextContentAsync())!
            .ShouldContain(local.ToString("dddd d MMMM', 'HH:mm", System.Globalization.CultureInfo.InvariantCulture) + "–");
        await CheckAtBothWidthsAsync(page, "client-link-from-reminder");
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// A client of <paramref name="email"/> accepted by a new telehealth clinician with a video room, then booked
    /// <paramref name="ahead"/> of now by a coordinator, over the API as the staff would.
    /// </summary>
    private async Task<DateTimeOffset> BookedAsync(string email, TimeSpan ahead)
    {
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        async Task<JsonNode> Post(string url, object body, string token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body, options: Http.Json) };
            request.Headers.Authorization = new("Bearer", token);
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            response.IsSuccessStatusCode.ShouldBeTrue(text);
            return JsonNode.Parse(text)!;
        }

        var clinicianId = Guid.CreateVersion7();
        var profile = new ClinicianProfile("Ines Reminder", "LPC", $"{clinicianId:N}@practice.example", "America/Denver", ["CO"], [],
            [SessionFormat.Telehealth], [SessionType.Individual], [AgeGroup.Adult], [Concern.Trauma], [], ["English"], ["Aetna"], 160m, null,
            Gender.Female, true, false, false, TelehealthLink: "https://video.example.org/ines-reminder");
        await using (var session = app.Services.GetRequiredService<IDocumentStore>().LightweightSession())
        {
            session.Events.StartStream<Clinician>(clinicianId, new ClinicianOnboarded(profile, 25, 3, true, []));
            await session.SaveChangesAsync();
        }

        var referralId = (await Post("/api/intake", IntakeFrom(email, phone: null), Tokens.Coordinator))["referralId"]!.GetValue<Guid>();
        await Post($"/api/referrals/{referralId}/triage", new { priority = "routine" }, Tokens.Coordinator);
        var proposalId = (await Post($"/api/referrals/{referralId}/proposals", new { clinicianId }, Tokens.Coordinator))["proposalId"]!.GetValue<Guid>();
        await Post($"/api/referrals/{referralId}/proposals/{proposalId}/accept", new { }, Tokens.Clinician(clinicianId));
        var startsAt = app.Clock.GetUtcNow() + ahead;
        await Post($"/api/referrals/{referralId}/first-session",
            new { startsAt, format = "telehealth", overrideReason = ReferralScenarios.AnyTime }, Tokens.Coordinator);
        return startsAt;
    }
}
