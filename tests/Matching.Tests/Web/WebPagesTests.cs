using System.Globalization;
using Matching.Service.Infrastructure;
using Marten;
using Matching.Service.Referrals;
using Matching.Service.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Matching.Tests.Web.PageSteps;

namespace Matching.Tests.Web;

/// <summary>The pages end to end in Chromium: the client's form, a referral's whole life, compliance, reports and roles.</summary>
[Collection(PagesCollection.Name)]
public class WebPagesTests(BrowserFixture app, ITestOutputHelper output)
{
    private const string Refused = "This page isn't available to your role";
    private static readonly TimeZoneInfo Practice = TimeZoneInfo.FindSystemTimeZoneById("America/Denver");

    [Fact]
    public async Task client_submits_the_form_and_sees_the_confirmation()
    {
        await using var client = await WebSession.OpenAsync(app, width: 390);
        await client.Page.GotoAsync("/");
        (await client.Page.Locator("#crisis").IsVisibleAsync()).ShouldBeFalse();
        await FillIntakeAsync(client.Page, "Okonkwo");
        await client.Page.ClickAsync("button:text('Send my request')");

        await client.Page.WaitForURLAsync("**/thanks");
        (await client.Page.TextContentAsync("h1"))!.ShouldContain("we have your request");
        (await client.Page.Locator("#crisis").CountAsync()).ShouldBe(0);
        client.ConsoleErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task sending_the_same_rendered_form_twice_or_double_clicking_makes_one_referral()
    {
        await using var client = await WebSession.OpenAsync(app, width: 390);
        var page = client.Page;
        var posts = 0;
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && new Uri(request.Url).AbsolutePath == "/") Interlocked.Increment(ref posts);
        };
        await page.GotoAsync("/");
        await FillIntakeAsync(page, "Twicebridge");

        // The rendered form posted twice as it stands (its antiforgery token and key included), then a double click.
        var statuses = await page.EvaluateAsync<int[]>("""
            async () => {
                const form = document.querySelector('form');
                const send = () => fetch('/', { method: 'POST', body: new URLSearchParams(new FormData(form)), redirect: 'manual' });
                const answers = await Promise.all([send(), send()]);
                return answers.map(a => a.status);
            }
            """);
        await page.DblClickAsync("button:text('Send my request')");
        await page.WaitForURLAsync("**/thanks");

        statuses.ShouldAllBe(s => s == 0, "an opaque redirect to /thanks each time");
        posts.ShouldBeGreaterThanOrEqualTo(3);
        await using var session = app.Services.GetRequiredService<IDocumentStore>().QuerySession();
        (await session.Query<Referral>().CountAsync(r => r.Intake.Client!.LastName == "Twicebridge")).ShouldBe(1);
        client.ConsoleErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_worrying_safety_answer_shows_crisis_resources_at_once_and_after_sending()
    {
        await using var client = await WebSession.OpenAsync(app, width: 390);
        await client.Page.GotoAsync("/");
        await FillIntakeAsync(client.Page, "Halvorsen", safety: "SeveralDays");
        // Shown on selection, before anything is sent.
        (await client.Page.Locator("#crisis").IsVisibleAsync()).ShouldBeTrue();
        (await client.Page.TextContentAsync("#crisis"))!.ShouldContain("988");
        await client.ScreenshotAsync("intake-crisis-390");

        await client.Page.ClickAsync("button:text('Send my request')");
        await client.Page.WaitForURLAsync("**/thanks");
        (await client.Page.Locator("#crisis").IsVisibleAsync()).ShouldBeTrue();
        client.ConsoleErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task the_form_refuses_missing_answers_next_to_the_fields_and_keeps_what_was_typed()
    {
        await using var client = await WebSession.OpenAsync(app);
        await client.Page.GotoAsync("/");
        await client.Page.FillAsync("#first-name", "Sam");
        await client.Page.ClickAsync("button:text('Send my request')");

        (await client.Page.TextContentAsync("#error-summary"))!.ShouldContain("Please enter your last name.");
        (await client.Page.Locator("#error-client-lastName").IsVisibleAsync()).ShouldBeTrue();
        (await client.Page.GetAttributeAsync("#last-name", "aria-invalid")).ShouldBe("true");
        (await client.Page.InputValueAsync("#first-name")).ShouldBe("Sam");
        client.ConsoleErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task the_intake_form_can_be_completed_with_the_keyboard_alone()
    {
        await using var client = await WebSession.OpenAsync(app);
        var page = client.Page;
        await page.GotoAsync("/");

        await TabToAsync(page, "#first-name"); await page.Keyboard.TypeAsync("Kai");
        await TabToAsync(page, "#last-name"); await page.Keyboard.TypeAsync("Keyboard");
        await TabToAsync(page, "#dob"); await page.Keyboard.TypeAsync("05141988");
        await TabToAsync(page, "#state"); await page.Keyboard.TypeAsync("CO");
        await TabToAsync(page, "#email"); await page.Keyboard.TypeAsync("kai@example.org");
        await TabToAsync(page, "input[name='Form.SessionType'][value='Individual']"); await page.Keyboard.PressAsync("Space");
        await TabToAsync(page, "input[name='Form.Concerns'][value='Anxiety']"); await page.Keyboard.PressAsync("Space");
        await TabToAsync(page, "input[name='Form.Format'][value='InPerson']"); await page.Keyboard.PressAsync("ArrowDown");
        await TabToAsync(page, "input[name='Form.PaymentMethod'][value='Insurance']"); await page.Keyboard.PressAsync("ArrowDown");
        await TabToAsync(page, "#rate"); await page.Keyboard.TypeAsync("200");
        await TabToAsync(page, "input[name='Form.Safety'][value='NotAtAll']"); await page.Keyboard.PressAsync("Space");
        await TabToAsync(page, "input[name='Form.ContactConsent']"); await page.Keyboard.PressAsync("Space");
        await TabToAsync(page, "input[name='Form.PrivacyConsent']"); await page.Keyboard.PressAsync("Space");
        await TabToAsync(page, "#send");
        await page.Keyboard.PressAsync("Enter");

        await page.WaitForURLAsync("**/thanks");
        client.ConsoleErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_referral_goes_from_the_form_to_an_attended_first_session_and_compliance_and_reports_see_it()
    {
        await using var analyst = await WebSession.OpenAsync(app);
        await analyst.SignInAsync(Roles.Analyst);
        var attendedBefore = await FunnelAsync(analyst.Page, "attended");
        var submittedBefore = await FunnelAsync(analyst.Page, "submitted");

        await using var client = await WebSession.OpenAsync(app, width: 390);
        await client.Page.GotoAsync("/");
        await FillIntakeAsync(client.Page, "Lindqvist");
        await client.Page.ClickAsync("button:text('Send my request')");
        await client.Page.WaitForURLAsync("**/thanks");

        // The coordinator finds it in the queue, triages, asks for suggestions and proposes the best.
        await using var coordinator = await WebSession.OpenAsync(app);
        var page = coordinator.Page;
        await coordinator.SignInAsync(Roles.Coordinator);
        await page.GotoAsync("/coordinator?status=awaitingTriage&pageSize=200");
        await page.ClickAsync("a:text('Robin Lindqvist')");
        var referralUrl = page.Url;
        var referralId = referralUrl.Split('/').Last();
        await page.CheckAsync("input[name=priority][value=Routine]");
        await page.ClickAsync("button:text-is('Triage')");
        await ExpectFlashAsync(page, "Referral triaged.");
        await page.ClickAsync("button:text-is('Suggest matches')");
        await ExpectFlashAsync(page, "Suggestions updated.");
        (await page.Locator("#suggestions .bar").CountAsync()).ShouldBeGreaterThan(0);
        var first = await ProposeTopCandidateAsync(page);

        // The first clinician sees a de-identified proposal and declines it.
        await using (var clinician = await WebSession.OpenAsync(app, width: 390))
        {
            await clinician.SignInAsync(Roles.Clinician, first);
            var card = clinician.Page.Locator($"article.proposal:has(input[name=referralId][value='{referralId}'])");
            (await card.TextContentAsync())!.ShouldNotContain("Lindqvist");
            await card.Locator("select[name=reason]").SelectOptionAsync("NotAFit");
            await card.Locator("button:text('Decline')").ClickAsync();
            await ExpectFlashAsync(clinician.Page, "Declined.");
            clinician.ConsoleErrors.ShouldBeEmpty();
        }

        // The coordinator re-matches: the clinician who declined is not suggested again.
        await page.GotoAsync(referralUrl);
        (await page.TextContentAsync("#status"))!.ShouldBe("Awaiting match");
        await page.ClickAsync("button:text-is('Suggest matches')");
        await ExpectFlashAsync(page, "Suggestions updated.");
        var second = await ProposeTopCandidateAsync(page);
        second.ShouldNotBe(first);

        // The next clinician accepts and then sees who the client is.
        await using (var clinician = await WebSession.OpenAsync(app, width: 390))
        {
            await clinician.SignInAsync(Roles.Clinician, second);
            var card = clinician.Page.Locator($"article.proposal:has(input[name=referralId][value='{referralId}'])");
            await card.Locator("button:text('Accept')").ClickAsync();
            await ExpectFlashAsync(clinician.Page, "Accepted.");
            (await clinician.Page.Locator($"article.proposal:has(input[name=referralId][value='{referralId}']), article.proposal:has-text('Lindqvist')").First.TextContentAsync())!
                .ShouldContain("Lindqvist");
            await clinician.ScreenshotAsync("clinician-proposals-390");
            clinician.ConsoleErrors.ShouldBeEmpty();
        }

        // Booked for tomorrow at 10:00 practice time, then, once that time has passed, attended.
        await page.GotoAsync(referralUrl);
        var tomorrow = TimeZoneInfo.ConvertTime(app.Clock.GetUtcNow(), Practice).Date.AddDays(1).AddHours(10);
        await page.FillAsync("#starts-at", tomorrow.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture));
        await page.CheckAsync("input[name=format][value=Telehealth]");
        await page.FillAsync("#book-override", "The client can only come tomorrow morning.");
        await page.ClickAsync("button:text-is('Book')");
        await ExpectFlashAsync(page, "First session booked.");
        (await page.TextContentAsync("#status"))!.ShouldBe("Booked");
        var firstSession = (await page.TextContentAsync("#session-title + p"))!;
        firstSession.ShouldContain(tomorrow.ToString("ddd d MMM", CultureInfo.InvariantCulture));
        firstSession.ShouldContain("10:00 M");
        app.Clock.Advance(TimeSpan.FromDays(3));
        // The sign-in cookie reads the same clock: three days on, it has lapsed.
        await coordinator.SignInAsync(Roles.Coordinator);
        await page.GotoAsync(referralUrl);
        await page.CheckAsync("input[name=outcome][value=Attended]");
        await page.ClickAsync("button:text-is('Record outcome')");
        await ExpectFlashAsync(page, "First session outcome recorded.");
        (await page.TextContentAsync("#status"))!.ShouldBe("Closed");
        coordinator.ConsoleErrors.ShouldBeEmpty();

        // Compliance sees the whole history with the accesses, and exports it.
        await using var compliance = await WebSession.OpenAsync(app);
        await compliance.SignInAsync(Roles.Compliance);
        var trail = compliance.Page;
        await EventuallyAsync(async () =>
        {
            await trail.GotoAsync($"/compliance/referrals/{referralId}");
            return (await trail.TextContentAsync("table.audit"))!.Contains("First session attended");
        });
        var history = (await trail.TextContentAsync("table.audit"))!;
        foreach (var step in new[] { "Intake submitted", "Triaged as routine", "Matches suggested", "Proposal declined: notAFit", "Proposal accepted", "First session booked" })
            history.ShouldContain(step);
        (await trail.Locator("table.audit .badge.access").CountAsync()).ShouldBeGreaterThan(0);
        var download = await trail.RunAndWaitForDownloadAsync(() => trail.ClickAsync("a:text('Export CSV')"));
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        csv.ShouldStartWith("sequence,kind,at,type");
        csv.ShouldContain(referralId);
        compliance.ConsoleErrors.ShouldBeEmpty();

        // The analyst's funnel counts it once the reporting projection has caught up (signed in again: the clock moved on).
        await analyst.SignInAsync(Roles.Analyst);
        await EventuallyAsync(async () => await FunnelAsync(analyst.Page, "attended") == attendedBefore + 1);
        (await FunnelAsync(analyst.Page, "submitted")).ShouldBeGreaterThan(submittedBefore);
        analyst.ConsoleErrors.ShouldBeEmpty();
        client.ConsoleErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_change_someone_else_made_first_shows_the_latest_with_a_friendly_message()
    {
        await using var client = await WebSession.OpenAsync(app);
        await client.Page.GotoAsync("/");
        await FillIntakeAsync(client.Page, "Moreau");
        await client.Page.ClickAsync("button:text('Send my request')");
        await client.Page.WaitForURLAsync("**/thanks");

        await using var coordinator = await WebSession.OpenAsync(app);
        await coordinator.SignInAsync(Roles.Coordinator);
        await coordinator.Page.GotoAsync("/coordinator?status=awaitingTriage&pageSize=200");
        await coordinator.Page.ClickAsync("a:text('Robin Moreau')");
        var other = await coordinator.Context.NewPageAsync();
        coordinator.Watch(other);
        await other.GotoAsync(coordinator.Page.Url);

        // Triage leads while the referral awaits it; a contact attempt is among the other actions.
        await other.ClickAsync("#other-actions > summary");
        await other.SelectOptionAsync("#channel", "Phone");
        await other.SelectOptionAsync("#contact-outcome", "Reached");
        await other.ClickAsync("button:text('Record attempt')");
        await ExpectFlashAsync(other, "Contact attempt recorded.");

        await coordinator.Page.CheckAsync("input[name=priority][value=Routine]");
        await coordinator.Page.ClickAsync("button:text-is('Triage')");
        (await coordinator.Page.TextContentAsync("#problem"))!.ShouldBe(AppPage.StaleMessage);
        (await coordinator.Page.TextContentAsync("#timeline"))!.ShouldContain("Phone call: reached");
        (await coordinator.Page.TextContentAsync("#status"))!.ShouldBe("Awaiting triage");
        await coordinator.ScreenshotAsync("referral-stale-1280");
        coordinator.ConsoleErrors.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(Roles.Coordinator, "/clinician", "/compliance", "/reports", "/admin/clinicians")]
    [InlineData(Roles.Clinician, "/coordinator", "/compliance", "/reports", "/admin/clinicians")]
    [InlineData(Roles.Compliance, "/coordinator", "/clinician", "/admin/clinicians")]
    [InlineData(Roles.Analyst, "/coordinator", "/clinician", "/compliance", "/admin/clinicians")]
    [InlineData(Roles.Admin, "/clinician", "/compliance")]
    public async Task each_role_is_refused_the_other_roles_pages(string role, params string[] refused)
    {
        await using var user = await WebSession.OpenAsync(app);
        var clinician = role == Roles.Clinician ? "Grace Kim" : null;
        await user.SignInAsync(role, clinician);
        foreach (var path in refused)
        {
            await user.Page.GotoAsync(path);
            (await user.Page.TextContentAsync("h1"))!.ShouldBe(Refused, $"{role} on {path}");
        }
        // The API keeps answering bearer-token rules: a signed-in browser gets 401 there, not a redirect.
        var api = await user.Page.APIRequest.GetAsync("/api/referrals");
        api.Status.ShouldBe(401);
        user.ConsoleErrors.Where(e => !e.Contains("status of 403")).ShouldBeEmpty();
    }

    [Fact]
    public async Task the_api_reference_renders_under_its_content_security_policy()
    {
        await using var visitor = await WebSession.OpenAsync(app);
        await visitor.Page.GotoAsync("/docs/");
        // The reference renders the document's operations once its nonce-carrying scripts have run.
        try
        {
            // Paths render with break opportunities inside them: match a word of one instead.
            await visitor.Page.GetByText(new System.Text.RegularExpressions.Regex("intake", System.Text.RegularExpressions.RegexOptions.IgnoreCase))
                .First.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        }
        finally
        {
            await visitor.ScreenshotAsync("api-reference");
        }
        visitor.ConsoleErrors.Where(e => e.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)).ShouldBeEmpty(
            string.Join(Environment.NewLine, visitor.ConsoleErrors));
    }

    [Fact]
    public async Task signed_out_visitors_are_sent_to_sign_in()
    {
        await using var visitor = await WebSession.OpenAsync(app);
        await visitor.Page.GotoAsync("/coordinator");
        visitor.Page.Url.ShouldContain("/sign-in");
    }

    [Fact]
    public async Task main_pages_at_desktop_and_phone_widths()
    {
        var pages = new (string Role, string? Clinician, string Name, string Path)[]
        {
            ("", null, "intake", "/"),
            (Roles.Coordinator, null, "queue", "/coordinator"),
            (Roles.Coordinator, null, "referral", "referral"),
            (Roles.Clinician, "Grace Kim", "clinician-proposals", "/clinician"),
            (Roles.Compliance, null, "compliance", "/compliance"),
            (Roles.Compliance, null, "compliance-referral", "compliance-referral"),
            (Roles.Analyst, null, "reports", "/reports"),
            (Roles.Admin, null, "admin-clinicians", "/admin/clinicians"),
            (Roles.Admin, null, "admin-onboard", "/admin/clinicians/new")
        };
        foreach (var width in new[] { 1280, 390 })
        {
            foreach (var group in pages.GroupBy(p => (p.Role, p.Clinician)))
            {
                await using var user = await WebSession.OpenAsync(app, width);
                if (group.Key.Role != "") await user.SignInAsync(group.Key.Role, group.Key.Clinician);
                foreach (var (_, _, name, path) in group)
                {
                    var target = path switch
                    {
                        "referral" => await FirstReferralAsync(user.Page, "/coordinator", "/coordinator/referrals/"),
                        "compliance-referral" => await FirstReferralAsync(user.Page, "/compliance", "/compliance/referrals/"),
                        _ => path
                    };
                    // Two loads, so the server time is sampled past the first (cold) render.
                    for (var i = 0; i < 2; i++) await user.Page.GotoAsync(target);
                    await user.CheckAsync(name);
                }
                user.ConsoleErrors.ShouldBeEmpty();
            }
        }

        foreach (var (page, times) in app.RenderTimes.GroupBy(t => t.Page).Select(g => (g.Key, g.Select(t => t.Milliseconds).Order().ToList())))
            output.WriteLine($"{page}: n={times.Count} median={times[times.Count / 2]:0.0} ms max={times[^1]:0.0} ms");
    }
}
