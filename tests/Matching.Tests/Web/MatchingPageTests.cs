using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Shared;
using Matching.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Matching.Tests.Web.PageSteps;

namespace Matching.Tests.Web;

/// <summary>
/// Finding a clinician on a referral's page: cards that explain each match in words with points over each weight, why
/// the others are left out, a propose list in rank order with the excluded labelled, and the override path for them.
/// </summary>
[Collection(PagesCollection.Name)]
public partial class MatchingPageTests(BrowserFixture app)
{
    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task suggestion_cards_explain_each_match_in_words_with_points_over_the_criterions_weight(int width)
    {
        var referralId = await TriagedReferralAsync($"Cardwell{width}");
        await using var coordinator = await WebSession.OpenAsync(app, width);
        await coordinator.SignInAsync(Roles.Coordinator);
        var page = coordinator.Page;
        await page.GotoAsync($"/coordinator/referrals/{referralId}");

        await page.FillAsync("#limit", "3");
        await page.ClickAsync("button:text-is('Suggest matches')");
        await ExpectFlashAsync(page, "Suggestions updated.");

        var card = page.Locator("#suggestions > li").First;
        var specialty = card.Locator(".bar", new LocatorLocatorOptions { HasText = "Specialty" });
        (await specialty.Locator(".points").TextContentAsync())!.ShouldMatch(@"^\d+(\.\d)? of 35$");
        (await specialty.Locator(".why").TextContentAsync())!.ShouldMatch(@"(Anxiety|Trauma).* (match|matches) their specialties|None of the 2 concerns");
        (await card.Locator(".bar", new LocatorLocatorOptions { HasText = "Availability" }).Locator(".points").TextContentAsync())!
            .ShouldMatch(@" of 25$");
        (await card.Locator(".bar", new LocatorLocatorOptions { HasText = "Capacity" }).Locator(".why").TextContentAsync())!
            .ShouldMatch(@"new-client places? left this week");
        (await card.Locator(".bar .points").AllTextContentsAsync()).ShouldAllBe(points => !points.Contains('/'));

        // Payment and language are filters the clinician passed: said in words, with no points and no "/ 100".
        var facts = card.Locator("dl.match-facts");
        (await facts.TextContentAsync())!.ShouldContain("Self-pay rate within the client's maximum");
        (await facts.TextContentAsync())!.ShouldContain("Speaks English");
        (await card.Locator(".bar", new LocatorLocatorOptions { HasText = "Payment" }).CountAsync()).ShouldBe(0);
        (await card.TextContentAsync())!.ShouldNotContain("/ 100");

        // Every "28 of 35" and the score stay on one line.
        var wrapped = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('#suggestions .bar .points, #suggestions .score')]
                .filter(e => {
                    const style = getComputedStyle(e);
                    const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.3;
                    return e.getBoundingClientRect().height > line * 1.5;
                })
                .map(e => e.textContent)
            """);
        wrapped.ShouldBeEmpty();

        // No jargon up front; the rules are there for the curious.
        var section = page.Locator("section[aria-labelledby=suggestions-title]");
        (await section.Locator("p.muted").First.TextContentAsync())!.ShouldNotContain("engine");
        await section.Locator("#ranking-rules summary").ClickAsync();
        (await section.Locator("#ranking-rules").TextContentAsync())!.ShouldContain("Ranking rules v1");

        // Fewer shown than eligible: the page says why and offers the rest.
        var limit = page.Locator("#suggestions-limit");
        var message = (await limit.TextContentAsync())!;
        var eligible = int.Parse(EligibleCount().Match(message).Groups[1].Value, CultureInfo.InvariantCulture);
        message.ShouldContain($"Showing the best 3 of {eligible} eligible: this run asked for 3.");
        (await page.Locator("#suggestions > li").CountAsync()).ShouldBe(3);
        (await BeyondTheViewportAsync(page)).ShouldBeEmpty();
        await coordinator.CheckAsync("suggestions-shown");

        await limit.Locator("button").ClickAsync();
        await ExpectFlashAsync(page, "Suggestions updated.");
        (await page.Locator("#suggestions > li").CountAsync()).ShouldBe(Math.Min(eligible, 50));
        (await page.Locator("#suggestions-limit").CountAsync()).ShouldBe(eligible > 50 ? 1 : 0);
        coordinator.ConsoleErrors.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task why_not_names_the_filters_that_exclude_each_clinician(int width)
    {
        var utah = await OnboardedClinicianAsync($"Wren Utahn {width}", licensedIn: "UT");
        var paused = await OnboardedClinicianAsync($"Pax Paused {width}", then: new ClinicianPaused("Leave"));
        var gone = await OnboardedClinicianAsync($"Otto Offboarded {width}", then: new ClinicianOffboarded("Moved away"));
        var referralId = await TriagedReferralAsync($"Whynotte{width}");
        await using var coordinator = await WebSession.OpenAsync(app, width);
        await coordinator.SignInAsync(Roles.Coordinator);
        var page = coordinator.Page;
        await page.GotoAsync($"/coordinator/referrals/{referralId}");

        var whyNot = page.Locator("#why-not");
        (await whyNot.Locator("li").First.IsVisibleAsync()).ShouldBeFalse("closed until asked");
        await whyNot.Locator("summary").ClickAsync();
        (await whyNot.Locator($"li[data-clinician='{utah}']").TextContentAsync())!.ShouldBe($"Wren Utahn {width}: Not licensed in CO");
        (await whyNot.Locator($"li[data-clinician='{paused}']").TextContentAsync())!.ShouldBe($"Pax Paused {width}: Paused");
        (await page.Locator($"[data-clinician='{gone}'], option[value='{gone}']").CountAsync()).ShouldBe(0, "offboarded: never listed");
        (await page.ContentAsync()).ShouldNotContain($"Otto Offboarded {width}");
        (await BeyondTheViewportAsync(page)).ShouldBeEmpty();
        await coordinator.CheckAsync("why-not-open");
        coordinator.ConsoleErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task the_propose_list_shows_the_eligible_first_in_rank_order_then_the_excluded_with_their_reasons()
    {
        var utah = await OnboardedClinicianAsync("Ula Utahson", licensedIn: "UT");
        var paused = await OnboardedClinicianAsync("Piet Pausewell", then: new ClinicianPaused("Leave"));
        var referralId = await TriagedReferralAsync("Listorder");
        await using var coordinator = await WebSession.OpenAsync(app);
        await coordinator.SignInAsync(Roles.Coordinator);
        var page = coordinator.Page;
        await page.GotoAsync($"/coordinator/referrals/{referralId}");
        await page.FillAsync("#limit", "5");
        await page.ClickAsync("button:text-is('Suggest matches')");
        await ExpectFlashAsync(page, "Suggestions updated.");

        var groups = page.Locator("#propose-clinician optgroup");
        (await groups.Nth(0).GetAttributeAsync("label"))!.ShouldStartWith("Eligible");
        (await groups.Nth(1).GetAttributeAsync("label"))!.ShouldStartWith("Excluded by the filters");
        var eligible = (await groups.Nth(0).Locator("option").AllTextContentsAsync()).Select(t => EligibleOption().Match(t)).ToList();
        eligible.Count.ShouldBeGreaterThan(1);
        eligible.ShouldAllBe(m => m.Success);
        eligible.Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ShouldBe(Enumerable.Range(1, eligible.Count));
        var scores = eligible.Select(m => double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)).ToList();
        scores.ShouldBe(scores.OrderByDescending(s => s).ToList());
        var topCard = (await page.Locator("#suggestions > li h3").First.TextContentAsync())!;
        topCard.ShouldContain(eligible[0].Groups[2].Value.Trim());

        var excluded = groups.Nth(1).Locator($"option[value='{utah}']");
        (await excluded.TextContentAsync())!.ShouldBe("Ula Utahson · Not licensed in CO");
        (await excluded.IsDisabledAsync()).ShouldBeFalse();
        var notTaking = groups.Nth(1).Locator($"option[value='{paused}']");
        (await notTaking.TextContentAsync())!.ShouldBe("Piet Pausewell · Paused (can't be proposed)");
        (await notTaking.IsDisabledAsync()).ShouldBeTrue();
        (await groups.Nth(0).Locator($"option[value='{utah}'], option[value='{paused}']").CountAsync()).ShouldBe(0);
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task proposing_an_excluded_clinician_asks_for_the_override_reason_and_records_it(int width)
    {
        var utah = await OnboardedClinicianAsync($"Orla Override {width}", licensedIn: "UT");
        var referralId = await TriagedReferralAsync($"Overridge{width}");
        await using var coordinator = await WebSession.OpenAsync(app, width);
        await coordinator.SignInAsync(Roles.Coordinator);
        var page = coordinator.Page;
        await page.GotoAsync($"/coordinator/referrals/{referralId}");

        var reason = page.Locator("#override");
        (await reason.IsVisibleAsync()).ShouldBeFalse("asked for only when an excluded clinician is chosen");
        var firstEligible = await page.Locator("#propose-clinician optgroup").First.Locator("option").First.GetAttributeAsync("value");
        await page.SelectOptionAsync("#propose-clinician", firstEligible!);
        (await reason.IsVisibleAsync()).ShouldBeFalse();
        await page.SelectOptionAsync("#propose-clinician", utah.ToString());
        (await reason.IsVisibleAsync()).ShouldBeTrue();
        (await reason.EvaluateAsync<bool>("e => e.required")).ShouldBeTrue();
        await coordinator.CheckAsync("propose-excluded-chosen");

        // Sent without one anyway (as a browser without the script would), the page asks for it at the field.
        await reason.EvaluateAsync("e => e.required = false");
        await page.FillAsync("#propose-note", "Family referral, see the override.");
        await page.ClickAsync("#propose-form button[type=submit]");
        await page.Locator("#error-overrideReason").WaitForAsync();
        (await page.TextContentAsync("#error-overrideReason"))!.ShouldContain("The filters exclude this clinician");
        (await page.InputValueAsync("#propose-clinician")).ShouldBe(utah.ToString(), "the choice is kept");
        (await page.InputValueAsync("#propose-note")).ShouldBe("Family referral, see the override.", "and the note");
        (await reason.IsVisibleAsync()).ShouldBeTrue();
        (await reason.GetAttributeAsync("aria-invalid")).ShouldBe("true");
        (await ProposalsAsync(referralId)).ShouldBeEmpty();
        await coordinator.CheckAsync("propose-override-missing");

        await reason.FillAsync("Client's sister sees her; she is getting a CO licence this week.");
        await page.ClickAsync("#propose-form button[type=submit]");
        await ExpectFlashAsync(page, "Clinician proposed.");

        var proposed = (await ProposalsAsync(referralId)).ShouldHaveSingleItem();
        proposed.ClinicianId.ShouldBe(utah);
        proposed.OverrideReason.ShouldBe("Client's sister sees her; she is getting a CO licence this week.");
        proposed.Note.ShouldBe("Family referral, see the override.");
        (await page.TextContentAsync("section[aria-labelledby=proposals-title]"))!.ShouldContain("getting a CO licence");
        coordinator.ConsoleErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task proposing_from_a_card_sends_the_optional_note()
    {
        var referralId = await TriagedReferralAsync("Cardnote");
        await using var coordinator = await WebSession.OpenAsync(app, 390);
        await coordinator.SignInAsync(Roles.Coordinator);
        var page = coordinator.Page;
        await page.GotoAsync($"/coordinator/referrals/{referralId}");
        await page.FillAsync("#limit", "2");
        await page.ClickAsync("button:text-is('Suggest matches')");
        await ExpectFlashAsync(page, "Suggestions updated.");

        var card = page.Locator("#suggestions > li").First;
        await card.GetByLabel("Note to").FillAsync("Evenings suit her best.");
        var name = await ProposeTopCandidateAsync(page);

        var proposed = (await ProposalsAsync(referralId)).ShouldHaveSingleItem();
        proposed.Note.ShouldBe("Evenings suit her best.");
        proposed.OverrideReason.ShouldBeNull();
        (await page.TextContentAsync("section[aria-labelledby=proposals-title]"))!.ShouldContain(name);
    }

    /// <summary>Elements of the matching sections that reach past the viewport's right edge (a sideways scroll on a phone).</summary>
    private static Task<string[]> BeyondTheViewportAsync(IPage page) => page.EvaluateAsync<string[]>("""
        () => [...document.querySelectorAll('section[aria-labelledby=matching-title] *, section[aria-labelledby=suggestions-title] *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .map(e => `${e.tagName}.${e.className} ${e.textContent.slice(0, 40)}`)
        """);

    [GeneratedRegex(@"of (\d+) eligible")]
    private static partial Regex EligibleCount();

    [GeneratedRegex(@"^(\d+)\. (.+) · (\d+(?:\.\d)?) of 100$")]
    private static partial Regex EligibleOption();

    /// <summary>A routine referral awaiting a match, made over the API: a CO adult, self-pay, anxiety and trauma, Tue evenings and Sat mornings.</summary>
    private async Task<Guid> TriagedReferralAsync(string lastName)
    {
        var intake = Samples.Intake() with
        {
            Client = Samples.Intake().Client! with { LastName = lastName, Email = $"{lastName.ToLowerInvariant()}@example.org" },
            Concerns = [Concern.Anxiety, Concern.Trauma],
            Payment = new Payment(PaymentMethod.SelfPay, null, null, 400m),
            ClinicianPreferences = null,
            Availability = [new AvailabilityWindow(WeekDay.Tuesday, "17:00", "20:00"), new AvailabilityWindow(WeekDay.Saturday, "09:00", "12:00")]
        };
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var submitted = await http.PostAsJsonAsync("/api/intake", intake, Http.Json);
        submitted.StatusCode.ShouldBe(HttpStatusCode.Created, await submitted.Content.ReadAsStringAsync());
        var id = JsonNode.Parse(await submitted.Content.ReadAsStringAsync())!["referralId"]!.GetValue<Guid>();

        using var triage = new HttpRequestMessage(HttpMethod.Post, $"/api/referrals/{id}/triage")
        {
            Content = JsonContent.Create(new { priority = "routine" }, options: Http.Json)
        };
        triage.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.Coordinator);
        var triaged = await http.SendAsync(triage);
        triaged.StatusCode.ShouldBe(HttpStatusCode.OK, await triaged.Content.ReadAsStringAsync());
        return id;
    }

    /// <summary>A clinician of this test's own, so no other test's proposals or pauses change what it sees.</summary>
    private async Task<Guid> OnboardedClinicianAsync(string name, string licensedIn = "CO", object? then = null)
    {
        var id = Guid.CreateVersion7();
        var profile = new ClinicianProfile(name, "LPC", $"{id:N}@practice.example", "America/Denver", [licensedIn], [licensedIn],
            [SessionFormat.Telehealth, SessionFormat.InPerson], [SessionType.Individual], [AgeGroup.Adult],
            [Concern.Anxiety], [Modality.Cbt], ["English"], [], 150m, null, Gender.Female, true, false, false);
        await using var session = app.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        session.Events.StartStream<Clinician>(id,
            new ClinicianOnboarded(profile, 25, 3, true, [new WeeklyWindow(WeekDay.Tuesday, "17:00", "20:00")]));
        if (then is not null) session.Events.Append(id, then);
        await session.SaveChangesAsync();
        return id;
    }

    private async Task<IReadOnlyList<MatchProposed>> ProposalsAsync(Guid referralId)
    {
        await using var session = app.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Events.FetchStreamAsync(referralId)).Select(e => e.Data).OfType<MatchProposed>().ToList();
    }
}
