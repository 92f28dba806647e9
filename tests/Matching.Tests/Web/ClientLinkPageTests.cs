using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Accepting;
using Matching.Service.Referrals.Booking;
using Matching.Service.Referrals.ClientLink;
using Matching.Service.Referrals.Proposing;
using Matching.Service.Referrals.SubmittingIntake;
using Matching.Service.Referrals.Triaging;
using Matching.Service.Shared;
using Matching.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Matching.Tests.Web.PageSteps;

namespace Matching.Tests.Web;

/// <summary>
/// The client's page on their private link, at phone and desktop widths: where the request stands, the crisis lines, the
/// contact details they correct and the withdrawal they confirm, all by keyboard; and the coordinator giving a new link.
/// </summary>
[Collection(PagesCollection.Name)]
public class ClientLinkPageTests(BrowserFixture app)
{
    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public async Task a_new_request_shows_where_it_stands_the_crisis_lines_and_the_clients_own_details(int width)
    {
        var id = await SubmittedAsync($"Status{width}");
        var link = await LinkAsync(id);

        await using var client = await WebSession.OpenAsync(app, width);
        var page = client.Page;
        var response = await page.GotoAsync(link);

        response!.Status.ShouldBe(200);
        response.Headers["referrer-policy"].ShouldBe("no-referrer");
        response.Headers["cache-control"].ShouldContain("no-store");
        (await page.GetAttributeAsync("meta[name=robots]", "content"))!.ShouldContain("noindex");
        (await page.GetAttributeAsync("meta[name=referrer]", "content")).ShouldBe("no-referrer");
        (await page.TextContentAsync("#reference")).ShouldBe(ReferralReference.Of(id));
        (await page.TextContentAsync("h1")).ShouldBe("We have your request.");
        (await page.TextContentAsync("#next-step"))!.ShouldContain("You don't have to navigate this alone.");
        // The crisis lines are on screen without scrolling, as tap-to-call and tap-to-text links.
        foreach (var href in new[] { "tel:988", "sms:988", "tel:911" })
            (await page.Locator($".client-crisis a[href='{href}']").IsVisibleAsync()).ShouldBeTrue(href);
        var crisisTop = await page.EvaluateAsync<double>("document.querySelector('.client-crisis').getBoundingClientRect().bottom");
        crisisTop.ShouldBeLessThan(900);
        (await page.Locator(".practice-contact a[href^='tel:']").CountAsync()).ShouldBe(1);
        // The client's own details, to correct; no staff navigation for a link's visitor.
        (await page.InputValueAsync("#contact-email")).ShouldBe("ann@example.org");
        (await page.InputValueAsync("#contact-phone")).ShouldBe("+1 303 555 0100");
        (await page.IsCheckedAsync("#contact-texts")).ShouldBeFalse();
        (await page.Locator("header.site button:text('Sign out')").CountAsync()).ShouldBe(0);
        (await page.Locator("header.site a[href='/sign-in']").CountAsync()).ShouldBe(0);
        await ExpectNoSidewaysScrollAsync(page);
        await client.CheckAsync("client-link-new-request");
        client.ConsoleErrors.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public async Task a_wrong_or_replaced_link_gets_one_neutral_page(int width)
    {
        var id = await SubmittedAsync($"Replaced{width}");
        var replaced = await LinkAsync(id);
        await LinkAsync(id);

        await using var client = await WebSession.OpenAsync(app, width);
        var page = client.Page;
        foreach (var link in new[] { $"/r/{ClientLinks.NewToken()}", replaced, "/r/not-a-token" })
        {
            var response = await page.GotoAsync(link);
            response!.Status.ShouldBe(404);
            (await page.TextContentAsync("h1")).ShouldBe("This link doesn't open anything");
            (await page.Locator("#reference").CountAsync()).ShouldBe(0);
            (await page.Locator("a[href='tel:988']").CountAsync()).ShouldBe(1);
        }
        await ExpectNoSidewaysScrollAsync(page);
        await client.CheckAsync("client-link-not-found");
    }

    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public async Task the_client_corrects_their_details_by_keyboard_and_a_mistake_is_shown_beside_the_field(int width)
    {
        var id = await SubmittedAsync($"Contact{width}");
        var link = await LinkAsync(id);
        await using var client = await WebSession.OpenAsync(app, width);
        var page = client.Page;
        await page.GotoAsync(link);

        // A mistyped address first: refused beside the field, what was typed kept, nothing recorded.
        await TabToAsync(page, "#contact-email");
        await ReplaceAsync(page, "ann-at-example.net");
        await TabToAsync(page, "#contact-save");
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#error-email").WaitForAsync();
        (await page.TextContentAsync("#error-email")).ShouldBe("Please enter an email address like name@example.com.");
        (await page.GetAttributeAsync("#contact-email", "aria-invalid")).ShouldBe("true");
        (await page.GetAttributeAsync("#contact-email", "aria-describedby")).ShouldBe("error-email");
        (await page.InputValueAsync("#contact-email")).ShouldBe("ann-at-example.net");
        (await EventsAsync(id)).OfType<ClientContactCorrected>().ShouldBeEmpty();
        await ExpectNoSidewaysScrollAsync(page);
        await client.CheckAsync("client-link-contact-refused");

        var email = $"ann.{width}@example.net";
        await TabToAsync(page, "#contact-email");
        await ReplaceAsync(page, email);
        await page.Keyboard.PressAsync("Tab");
        await ReplaceAsync(page, "720 555 0188");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Space");
        await TabToAsync(page, "#contact-save");
        await page.Keyboard.PressAsync("Enter");

        await page.WaitForURLAsync(url => !url.Contains("handler="));
        await Assertions.Expect(page.Locator("p.notice.success")).ToHaveTextAsync("Thank you. We'll use these details to reach you from now on.");
        (await page.Locator("#problem").CountAsync()).ShouldBe(0);
        (await page.InputValueAsync("#contact-email")).ShouldBe(email);
        (await page.InputValueAsync("#contact-phone")).ShouldBe("720 555 0188");
        (await page.IsCheckedAsync("#contact-texts")).ShouldBeTrue();
        (await EventsAsync(id)).OfType<ClientContactCorrected>().Single().ShouldBe(new ClientContactCorrected(email, "720 555 0188", true));
        await ExpectNoSidewaysScrollAsync(page);
        await client.CheckAsync("client-link-contact-saved");

        // Saved again as it stands: nothing to record.
        await page.ClickAsync("#contact-save");
        await Assertions.Expect(page.Locator("p.notice.success")).ToContainTextAsync("Nothing needed changing");
        (await EventsAsync(id)).OfType<ClientContactCorrected>().Count().ShouldBe(1);
    }

    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public async Task the_client_withdraws_a_booked_request_after_a_confirm_step_and_the_link_closes(int width)
    {
        var (id, startsAt) = await BookedAsync($"Withdrawal {width}");
        var link = await LinkAsync(id);
        await using var client = await WebSession.OpenAsync(app, width);
        var page = client.Page;
        await page.GotoAsync(link);
        (await page.TextContentAsync("h1")).ShouldBe("Your first session is booked.");

        // Asking to withdraw only explains and asks; keeping the request changes nothing.
        await TabToAsync(page, "#withdraw-start");
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#withdraw-confirm").WaitForAsync();
        var explained = (await page.TextContentAsync("section.withdraw-confirm"))!;
        explained.ShouldContain("We close your request and stop contacting you about it.");
        explained.ShouldContain($"Your first session on {PracticeTime.Moment(startsAt, Practice)} is cancelled, and your clinician is told.");
        explained.ShouldContain("This link stops working.");
        explained.ShouldContain("You can come back any time");
        await ExpectNoSidewaysScrollAsync(page);
        await client.CheckAsync("client-link-withdraw-confirm");
        await TabToAsync(page, "#withdraw-keep");
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#withdraw-start").WaitForAsync();
        (await EventsAsync(id)).OfType<ReferralClosed>().ShouldBeEmpty();

        await page.ClickAsync("#withdraw-start");
        await page.Locator("#withdraw-reason").WaitForAsync();
        await TabToAsync(page, "#withdraw-reason");
        await page.Keyboard.TypeAsync("I found support closer to home.");
        await page.Keyboard.PressAsync("Tab");
        (await page.EvaluateAsync<string>("document.activeElement.id")).ShouldBe("withdraw-confirm");
        // By keyboard, or by a double tap that sends it once: the closing page is what the client sees either way.
        if (width == 390) await page.Keyboard.PressAsync("Enter");
        else await page.DblClickAsync("#withdraw-confirm");

        await page.Locator("#withdrawn-title").WaitForAsync();
        (await page.TextContentAsync("h1")).ShouldBe("Your request is withdrawn.");
        (await page.TextContentAsync("#withdrawn-next"))!.ShouldStartWith("Your first session is cancelled and your clinician has been told.");
        (await page.TextContentAsync("#withdrawn-next"))!.ShouldContain("welcome back any time");
        (await page.Locator(".client-crisis a[href='tel:988']").IsVisibleAsync()).ShouldBeTrue();
        var events = await EventsAsync(id);
        events.OfType<FirstSessionCancelled>().Single().By.ShouldBe(CancelledBy.Client);
        events.OfType<ReferralClosed>().Single().ShouldBe(new ReferralClosed(ClosureOutcome.Withdrawn, "I found support closer to home.",
            events.OfType<FirstSessionCancelled>().Single().ClinicianId));
        await ExpectNoSidewaysScrollAsync(page);
        await client.CheckAsync("client-link-withdrawn");

        client.ConsoleErrors.ShouldBeEmpty();
        (await page.GotoAsync(link))!.Status.ShouldBe(404);
        (await page.TextContentAsync("h1")).ShouldBe("This link doesn't open anything");
    }

    [Theory]
    [InlineData(390)]
    [InlineData(1280)]
    public async Task a_coordinator_gives_the_client_a_new_link_which_opens_while_the_old_one_stops(int width)
    {
        var id = await SubmittedAsync($"Reissue{width}");
        var old = await LinkAsync(id);

        await using var user = await WebSession.OpenAsync(app, width);
        await user.SignInAsync(Roles.Coordinator);
        var page = user.Page;
        await page.GotoAsync($"/coordinator/referrals/{id}");
        (await page.TextContentAsync("#client-link-state"))!.ShouldContain("The client has a working link until");
        await TabToAsync(page, "#client-link button");
        await page.Keyboard.PressAsync("Enter");

        await page.Locator("#client-link-url").WaitForAsync();
        var url = await page.InputValueAsync("#client-link-url");
        url.ShouldStartWith("http://localhost:5080/r/");
        var shown = (await page.TextContentAsync("#client-link [role=status]"))!;
        shown.ShouldContain("It is shown only this once");
        shown.ShouldContain("every earlier link has stopped working");
        shown.ShouldContain("It works until");
        await ExpectNoSidewaysScrollAsync(page);
        await user.CheckAsync("coordinator-new-client-link");
        // Shown once: the page read again offers a new link, never this one.
        await page.GotoAsync($"/coordinator/referrals/{id}");
        (await page.ContentAsync()).ShouldNotContain(url);

        await using var client = await WebSession.OpenAsync(app, width);
        (await client.Page.GotoAsync(new Uri(url).AbsolutePath))!.Status.ShouldBe(200);
        (await client.Page.TextContentAsync("#reference")).ShouldBe(ReferralReference.Of(id));
        (await client.Page.GotoAsync(old))!.Status.ShouldBe(404);

        // A closed referral is offered no link.
        await AskAsync(app, new Matching.Service.Referrals.Closing.CloseReferral(ClosureOutcome.Duplicate, null, null) { ReferralId = id });
        await page.GotoAsync($"/coordinator/referrals/{id}");
        (await page.Locator("#client-link").CountAsync()).ShouldBe(0);
    }

    private static readonly TimeZoneInfo Practice = TimeZoneInfo.FindSystemTimeZoneById("America/Denver");

    private static async Task ExpectNoSidewaysScrollAsync(IPage page) =>
        (await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"))
        .ShouldBeTrue($"{page.Url} scrolls sideways at {page.ViewportSize?.Width} px");

    /// <summary>Replaces the focused field's text, as a keyboard user does.</summary>
    private static async Task ReplaceAsync(IPage page, string text)
    {
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.PressAsync("Backspace");
        await page.Keyboard.TypeAsync(text);
    }

    private async Task<Guid> SubmittedAsync(string lastName)
    {
        var intake = Samples.Intake() with { Client = Samples.Intake().Client! with { LastName = lastName } };
        return (await AskAsync(app, new SubmitIntake(intake, null))).ReferralId;
    }

    /// <summary>A link as a coordinator gives it: the path of its URL, on this test's server.</summary>
    private async Task<string> LinkAsync(Guid id) =>
        new Uri((await AskAsync(app, new IssueClientLink { ReferralId = id })).Url).AbsolutePath;

    /// <summary>
    /// A client booked with a clinician of their own, licensed only in Wyoming so no other test's Colorado client is matched
    /// with them (proposed with an override); the session two days ahead.
    /// </summary>
    private async Task<(Guid Id, DateTimeOffset StartsAt)> BookedAsync(string clinicianName)
    {
        var clinician = Guid.CreateVersion7();
        var profile = new ClinicianProfile(clinicianName, "LPC", $"{clinician:N}@practice.example", "America/Denver", ["WY"], ["WY"],
            [SessionFormat.Telehealth], [SessionType.Individual], [AgeGroup.Adult], [Concern.Grief], [Modality.Act], ["English"], [], 120m,
            null, Gender.Female, false, false, false);
        await using (var session = app.Services.GetRequiredService<IDocumentStore>().LightweightSession())
        {
            session.Events.StartStream<Clinician>(clinician, new ClinicianOnboarded(profile, 25, 20, true, []));
            await session.SaveChangesAsync();
        }
        var id = await SubmittedAsync(clinicianName.Replace(" ", ""));
        await AskAsync(app, new TriageReferral(TriagePriority.Routine, null, null) { ReferralId = id });
        var proposal = await AskAsync(app, new ProposeMatch(clinician, null, "Moving to Wyoming next month.", null) { ReferralId = id });
        await AskAsync(app, new AcceptProposal(null, null) { ReferralId = id, ProposalId = proposal.ProposalId, AnsweredBy = clinician });
        var startsAt = app.Clock.GetUtcNow().AddDays(2);
        startsAt = new DateTimeOffset(startsAt.Year, startsAt.Month, startsAt.Day, startsAt.Hour, 0, 0, TimeSpan.Zero);
        await AskAsync(app, new BookFirstSession(startsAt, null, SessionFormat.Telehealth, null, "Arranged with the clinician.") { ReferralId = id });
        return (id, startsAt);
    }

    private async Task<IReadOnlyList<object>> EventsAsync(Guid id)
    {
        await using var session = app.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Events.FetchStreamAsync(id)).Select(e => e.Data).ToList();
    }
}
