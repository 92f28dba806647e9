using Marten;
using Matching.Service.Referrals;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Matching.Tests.Web.PageSteps;

namespace Matching.Tests.Web;

/// <summary>
/// The public form as a person in need meets it: refusals they can act on, crisis lines they can tap, a reference to
/// quote, and a privacy notice they can read without losing what they typed.
/// </summary>
[Collection(PagesCollection.Name)]
public class PublicFormTests(BrowserFixture app)
{
    private static readonly string[] CrisisHrefs = ["tel:988", "sms:988", "tel:911"];

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task a_refused_form_says_what_to_fix_in_plain_words_and_each_summary_line_leads_to_its_field(int width)
    {
        await using var client = await WebSession.OpenAsync(app, width);
        var page = client.Page;
        await page.GotoAsync("/");
        (await page.Locator("#error-summary").CountAsync()).ShouldBe(0);
        await client.CheckAsync("intake-empty");

        await page.FillAsync("#first-name", "Sam");
        // Hours that end before they start, on the one day ticked.
        await page.CheckAsync("input[name='Form.Days'][value='Monday']");
        await page.FillAsync("#from-Monday", "20:00");
        await page.FillAsync("#to-Monday", "17:00");
        await page.ClickAsync("#send");

        await page.WaitForFunctionAsync("() => document.activeElement?.id === 'error-summary'");
        var summary = (await page.TextContentAsync("#error-summary"))!;
        var body = (await page.TextContentAsync("main"))!;
        body.ShouldNotContain("'client.");
        body.ShouldNotContain("must not be empty");
        body.ShouldNotContain("HH:mm");
        summary.ShouldContain("Please enter your last name.");
        summary.ShouldContain("Please give an email address or a phone number");
        summary.ShouldContain("Please check your hours on Monday");
        summary.ShouldNotContain("Please enter your first name.");
        // One notice, not the summary and a general one.
        (await page.Locator("#problem").CountAsync()).ShouldBe(0);

        // Every line links to a field on the page, in the page's order: last name before the safety question.
        var links = await page.Locator("#error-summary a").EvaluateAllAsync<string[]>("as => as.map(a => a.getAttribute('href'))");
        links.ShouldContain("#last-name");
        links.ShouldContain("#from-Monday");
        links.ShouldContain("#safety");
        Array.IndexOf(links, "#last-name").ShouldBeLessThan(Array.IndexOf(links, "#safety"));
        foreach (var href in links)
            (await page.Locator(href).CountAsync()).ShouldBe(1, $"{href} names a field on the page");

        // Each field still carries its own message, described by it.
        (await page.TextContentAsync("#error-client-lastName")).ShouldBe("Please enter your last name.");
        (await page.GetAttributeAsync("#last-name", "aria-invalid")).ShouldBe("true");
        (await page.GetAttributeAsync("#last-name", "aria-describedby")).ShouldBe("error-client-lastName");
        (await page.GetAttributeAsync("#dob", "aria-describedby"))!.Split(' ').ShouldBe(["dob-why", "error-client-dateOfBirth"]);
        (await page.GetAttributeAsync("#from-Monday", "aria-invalid")).ShouldBe("true");
        (await page.InputValueAsync("#first-name")).ShouldBe("Sam");
        await client.CheckAsync("intake-refused");

        await page.ClickAsync("#error-summary a[href='#safety']");
        (await page.EvaluateAsync<string>("() => document.activeElement.id")).ShouldBe("safety");
        await page.ClickAsync("#error-summary a[href='#last-name']");
        (await page.EvaluateAsync<string>("() => document.activeElement.id")).ShouldBe("last-name");
        client.ConsoleErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task with_the_keyboard_a_refused_send_lands_on_the_summary_and_its_first_link_reaches_the_field()
    {
        await using var client = await WebSession.OpenAsync(app);
        var page = client.Page;
        await page.GotoAsync("/");
        await TabToAsync(page, "#first-name");
        await page.Keyboard.TypeAsync("Kai");
        await TabToAsync(page, "#send");
        await page.Keyboard.PressAsync("Enter");

        await page.WaitForFunctionAsync("() => document.activeElement?.id === 'error-summary'");
        await page.Keyboard.PressAsync("Tab");
        var href = await page.EvaluateAsync<string>("() => document.activeElement.closest('#error-summary') ? document.activeElement.getAttribute('href') : null");
        href.ShouldBe("#last-name");
        await page.Keyboard.PressAsync("Enter");
        (await page.EvaluateAsync<string>("() => document.activeElement.id")).ShouldBe("last-name");
        await page.Keyboard.TypeAsync("Keyes");
        (await page.InputValueAsync("#last-name")).ShouldBe("Keyes");
        client.ConsoleErrors.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task a_worrying_answer_puts_tap_to_call_and_text_links_right_under_the_question_and_on_the_thanks_page(int width)
    {
        var lastName = $"Halloran{width}";
        await using var client = await WebSession.OpenAsync(app, width);
        var page = client.Page;
        await page.GotoAsync("/");
        // The lines are in the safety question's introduction for everyone, before any answer.
        foreach (var href in CrisisHrefs)
            (await page.Locator($"fieldset .crisis-line a[href='{href}']").CountAsync()).ShouldBe(1, href);
        (await page.Locator("#crisis").IsVisibleAsync()).ShouldBeFalse();

        await FillIntakeAsync(page, lastName, safety: "NearlyEveryDay");
        (await page.Locator("#crisis").IsVisibleAsync()).ShouldBeTrue();
        foreach (var href in CrisisHrefs)
            (await page.Locator($"#crisis a[href='{href}']").IsVisibleAsync()).ShouldBeTrue(href);
        // Near the question, not at the foot of a long page: every link within one screen of it.
        var distance = await page.EvaluateAsync<double>("""
            () => {
              const question = document.getElementById('safety-question').getBoundingClientRect();
              const last = document.querySelector("#crisis a[href='tel:911']").getBoundingClientRect();
              return last.bottom - question.bottom;
            }
            """);
        await client.CheckAsync("intake-crisis");
        distance.ShouldBeLessThan(400);
        (await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth")).ShouldBeTrue("no sideways scrolling");

        await page.ClickAsync("#send");
        await page.WaitForURLAsync("**/thanks");
        var reference = await ReferenceOfAsync(lastName);
        for (var visit = 0; visit < 2; visit++)
        {
            (await page.TextContentAsync("#reference")).ShouldBe(reference);
            (await page.Locator("#crisis").IsVisibleAsync()).ShouldBeTrue();
            foreach (var href in CrisisHrefs)
                (await page.Locator($"#crisis a[href='{href}']").CountAsync()).ShouldBe(1, href);
            (await page.TextContentAsync("#crisis"))!.ShouldNotContain("You can still send");
            if (visit == 0) await client.CheckAsync("thanks-urgent");
            // A refresh keeps the reference and the crisis lines.
            await page.ReloadAsync();
        }
        client.ConsoleErrors.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task the_thanks_page_gives_the_reference_to_quote_what_happens_next_and_the_crisis_line(int width)
    {
        var lastName = $"Quennell{width}";
        await using var client = await WebSession.OpenAsync(app, width);
        var page = client.Page;
        await page.GotoAsync("/");
        await FillIntakeAsync(page, lastName);
        await page.ClickAsync("#send");
        await page.WaitForURLAsync("**/thanks");

        var reference = await ReferenceOfAsync(lastName);
        reference.ShouldMatch("^[0-9A-Z]{4}-[0-9A-Z]{4}$");
        (await page.TextContentAsync("#reference")).ShouldBe(reference);
        (await page.TextContentAsync(".reference"))!.ShouldContain("quote it");
        (await page.TextContentAsync("ol.next-steps"))!.ShouldContain("within one business day");
        (await page.Locator("#crisis").CountAsync()).ShouldBe(0);
        foreach (var href in CrisisHrefs)
            (await page.Locator($".crisis-line a[href='{href}']").CountAsync()).ShouldBe(1, href);
        (await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth")).ShouldBeTrue("no sideways scrolling");
        await client.CheckAsync("thanks-routine");

        await page.ReloadAsync();
        (await page.TextContentAsync("#reference")).ShouldBe(reference, "a refresh keeps the reference");
        page.Url.ShouldNotContain(lastName);
        client.ConsoleErrors.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task the_privacy_notice_opens_from_the_consent_box_without_losing_the_form_and_from_every_footer(int width)
    {
        await using var client = await WebSession.OpenAsync(app, width);
        var page = client.Page;
        await page.GotoAsync("/");
        await page.FillAsync("#first-name", "Noor");

        var notice = page.Locator("label:has(#privacy-consent) a[href='/privacy']");
        (await notice.GetAttributeAsync("target")).ShouldBe("_blank");
        (await notice.GetAttributeAsync("rel"))!.ShouldContain("noopener");
        (await notice.TextContentAsync())!.ShouldContain("opens in a new tab");
        var tab = await page.RunAndWaitForPopupAsync(() => notice.ClickAsync());
        await tab.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        (await tab.TextContentAsync("h1")).ShouldBe("Privacy notice");
        await tab.CloseAsync();
        (await page.InputValueAsync("#first-name")).ShouldBe("Noor", "the half-filled form is still there");
        (await page.IsCheckedAsync("#privacy-consent")).ShouldBeFalse("following the link does not tick the box");

        await page.ClickAsync("footer a[href='/privacy']");
        await page.WaitForURLAsync("**/privacy");
        var headings = await page.Locator("main h2").AllTextContentsAsync();
        headings.ShouldBe(["What we collect", "Why we collect it", "Who sees it", "How long we keep it", "Your rights", "How to contact us"]);
        var text = (await page.TextContentAsync("main"))!;
        text.ShouldContain("care coordinators");
        text.ShouldContain("summary without your name");
        text.ShouldContain("six years");
        text.ShouldContain("erase");
        (await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth")).ShouldBeTrue("no sideways scrolling");
        await client.CheckAsync("privacy");
        client.ConsoleErrors.ShouldBeEmpty();
    }

    private async Task<string> ReferenceOfAsync(string lastName)
    {
        await using var session = app.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var referral = await session.Query<Referral>().SingleAsync(r => r.Intake.Client!.LastName == lastName);
        return ReferralReference.Of(referral.Id);
    }
}
