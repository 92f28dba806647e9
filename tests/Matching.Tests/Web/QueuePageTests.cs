using System.Globalization;
using JasperFx.Events;
using Marten;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Shared;
using Matching.Service.Web;
using Matching.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Matching.Tests.Referrals.GivenReferrals;
using static Matching.Tests.Web.PageSteps;

namespace Matching.Tests.Web;

/// <summary>
/// The coordinator queue in Chromium: ages and due times in words, status tabs with their counts, search, sorting,
/// page sizes and the newest intake on the first page of "Awaiting triage".
/// </summary>
[Collection(PagesCollection.Name)]
public class QueuePageTests(BrowserFixture app)
{
    private static readonly TimeZoneInfo Practice = TimeZoneInfo.FindSystemTimeZoneById("America/Denver");

    private static string Unique() => "Q" + Guid.NewGuid().ToString("N")[..9];

    /// <summary>
    /// A referral from given events at chosen times, as the public form's intake would start it. Times are real ones (other
    /// tests move the service's clock ahead, and a stored intake time beyond the real one would outrank the form's intakes),
    /// except where a test ages a row against the service's clock and closes it afterwards.
    /// </summary>
    private async Task<Guid> Given(string first, string last, DateTimeOffset submittedAt, string? email = null, string? phone = null,
        params IEvent[] then)
    {
        var sample = Samples.Intake();
        var intake = sample with { Client = sample.Client! with { FirstName = first, LastName = last, Email = email, Phone = phone } };
        var id = Guid.CreateVersion7();
        await using var session = app.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        session.SetHeader(Actor.SubHeader, Actor.Anonymous.Sub);
        session.SetHeader(Actor.NameHeader, Actor.Anonymous.Name);
        session.SetHeader(Actor.RoleHeader, Actor.Anonymous.Role);
        session.Events.StartStream<Referral>(id, [Submitted(intake).At(submittedAt), .. then]);
        await session.SaveChangesAsync();
        return id;
    }

    private async Task AppendAsync(Guid id, params object[] events)
    {
        await using var session = app.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        session.Events.Append(id, events);
        await session.SaveChangesAsync();
    }

    private static async Task<List<string>> RowIdsAsync(IPage page) =>
        (await page.Locator("#queue tbody tr[data-referral]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.referral)")).ToList();

    private static async Task<long> TabCountAsync(IPage page, string status) =>
        long.Parse((await page.TextContentAsync($"nav.tabs .count[data-status={status}]"))!, CultureInfo.InvariantCulture);

    private static async Task<long> TotalAsync(IPage page) =>
        long.Parse((await page.TextContentAsync("#queue-summary"))!.Split(' ')[0], CultureInfo.InvariantCulture);

    [Fact]
    public async Task a_row_says_how_long_the_client_has_waited_how_long_in_this_status_and_when_the_step_is_due_in_the_practice_zone()
    {
        var last = Unique();
        var now = app.Clock.GetUtcNow();
        var waiting = await Given("Wren", last, now.AddHours(-75), then: new ReferralTriaged(TriagePriority.Routine, null).At(now.AddHours(-50)));
        var fresh = await Given("Ines", last, now.AddMinutes(-10));

        await using var user = await WebSession.OpenAsync(app);
        await user.SignInAsync(Roles.Coordinator);
        await user.Page.GotoAsync($"/coordinator?q={last}");

        var old = user.Page.Locator($"tr[data-referral='{waiting}']");
        (await old.Locator("td.waiting").InnerTextAsync()).ShouldContain("waiting 3 d · in Awaiting match 2 d");
        // Contact was due a business day after intake: passed, so it reads as overdue, with the time itself in the practice zone.
        var due = old.Locator("td.due time");
        (await due.InnerTextAsync()).ShouldStartWith("overdue ");
        var dueAt = DateTimeOffset.Parse((await due.GetAttributeAsync("datetime"))!, CultureInfo.InvariantCulture);
        dueAt.Offset.ShouldBe(Practice.GetUtcOffset(dueAt));
        (await due.Locator(".when").InnerTextAsync()).ShouldBe(PracticeTime.Moment(dueAt, Practice));
        (await due.Locator(".when").InnerTextAsync()).ShouldMatch(@"^\w{3} \d{1,2} \w{3} \d{2}:\d{2} M[SD]T$");
        (await old.Locator(".badge.overdue").CountAsync()).ShouldBe(1);

        var young = user.Page.Locator($"tr[data-referral='{fresh}']");
        (await young.Locator("td.waiting").InnerTextAsync()).ShouldContain("waiting 10 min · in Awaiting triage 10 min");
        (await young.Locator("td.due time").InnerTextAsync()).ShouldStartWith("due in ");
        (await young.Locator(".badge.overdue").CountAsync()).ShouldBe(0);
        user.ConsoleErrors.ShouldBeEmpty();
        // Its intake time follows the service's clock, which other tests move ahead: out of the triage tab they read.
        await AppendAsync(fresh, new ReferralClosed(ClosureOutcome.Duplicate, null));
    }

    [Fact]
    public async Task status_tabs_show_the_kept_counts_match_the_rows_mark_the_current_tab_and_keep_the_filters()
    {
        await Given("Tabitha", Unique(), DateTimeOffset.UtcNow);
        await using var user = await WebSession.OpenAsync(app);
        await user.SignInAsync(Roles.Coordinator);
        var page = user.Page;
        await page.GotoAsync("/coordinator?urgent=false&pageSize=50");

        (await page.GetAttributeAsync("nav.tabs a:has-text('All open')", "aria-current")).ShouldBe("page");
        var statuses = new[] { "awaitingTriage", "awaitingMatch", "proposed", "accepted", "booked", "waitlisted" };
        var counts = new Dictionary<string, long>();
        foreach (var status in statuses) counts[status] = await TabCountAsync(page, status);
        (await TabCountAsync(page, "open")).ShouldBe(counts.Values.Sum());
        counts["awaitingTriage"].ShouldBeGreaterThan(0);

        await page.ClickAsync("nav.tabs a:has-text('Awaiting triage')");
        await page.WaitForURLAsync("**status=awaitingTriage**");
        new Uri(page.Url).Query.ShouldContain("urgent=false");
        new Uri(page.Url).Query.ShouldContain("pageSize=50");
        (await page.GetAttributeAsync("nav.tabs a:has-text('Awaiting triage')", "aria-current")).ShouldBe("page");
        (await page.Locator("nav.tabs a[aria-current]").CountAsync()).ShouldBe(1);
        (await page.InputValueAsync("#urgent")).ShouldBe("false");

        // Without the urgency filter, the tab's rows are exactly its count.
        await page.GotoAsync("/coordinator?status=awaitingMatch");
        (await TotalAsync(page)).ShouldBe(await TabCountAsync(page, "awaitingMatch"));
        await page.GotoAsync("/coordinator");
        (await TotalAsync(page)).ShouldBe(await TabCountAsync(page, "open"));
        user.ConsoleErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task search_finds_the_referral_by_name_email_phone_or_reference_and_nothing_else()
    {
        var last = Unique();
        var now = DateTimeOffset.UtcNow;
        var line = Random.Shared.Next(1000, 9999).ToString(CultureInfo.InvariantCulture);
        var wanted = await Given("Soledad", last, now, $"sol.{last.ToLowerInvariant()}@example.org", $"(303) 555-{line}");
        var sameFirstName = await Given("Soledad", Unique(), now, $"other.{last.ToLowerInvariant()}x@example.org", $"(720) 555-{line}");

        await using var user = await WebSession.OpenAsync(app);
        await user.SignInAsync(Roles.Coordinator);
        var page = user.Page;
        await page.GotoAsync("/coordinator");
        foreach (var typed in new[] { $"soledad {last.ToLowerInvariant()}", $"SOL.{last}@EXAMPLE.ORG", $"303555{line}", $"+1 303.555.{line}", ReferralReference.Of(wanted).ToLowerInvariant().Replace("-", " ") })
        {
            await page.FillAsync("#q", typed);
            await page.ClickAsync("button:text('Search and filter')");
            await page.WaitForURLAsync("**q=**");
            (await RowIdsAsync(page)).ShouldBe([wanted.ToString()], $"searching for '{typed}'");
        }

        await page.FillAsync("#q", "Soledad");
        await page.ClickAsync("button:text('Search and filter')");
        await page.WaitForURLAsync("**q=Soledad**");
        (await RowIdsAsync(page)).ShouldContain(sameFirstName.ToString());
        (await RowIdsAsync(page)).ShouldContain(wanted.ToString());

        await page.GotoAsync($"/coordinator?q={Unique()}");
        (await page.TextContentAsync("#queue tbody"))!.ShouldContain("No referral matches that search.");
        user.ConsoleErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task sorting_by_a_column_orders_the_rows_both_ways_keeping_the_search_and_says_so()
    {
        var last = Unique();
        var now = DateTimeOffset.UtcNow;
        var zed = await Given("Zed", last, now.AddHours(-6));
        var abe = await Given("Abe", last, now.AddHours(-1));
        var kit = await Given("Kit", last, now.AddHours(-3));

        await using var user = await WebSession.OpenAsync(app);
        await user.SignInAsync(Roles.Coordinator);
        var page = user.Page;
        await page.GotoAsync($"/coordinator?q={last}");
        // The queue's own order: oldest intake first.
        (await RowIdsAsync(page)).ShouldBe([zed.ToString(), kit.ToString(), abe.ToString()]);
        (await page.GetAttributeAsync("th:has(a:text('Client'))", "aria-sort")).ShouldBe("none");

        await page.ClickAsync("th a.sort:has-text('Client')");
        await page.WaitForURLAsync("**sort=client**");
        (await RowIdsAsync(page)).ShouldBe([abe.ToString(), kit.ToString(), zed.ToString()]);
        (await page.GetAttributeAsync("th:has(a:text('Client'))", "aria-sort")).ShouldBe("ascending");
        new Uri(page.Url).Query.ShouldContain($"q={last}");

        await page.ClickAsync("th a.sort:has-text('Client')");
        await page.WaitForURLAsync("**sort=-client**");
        (await RowIdsAsync(page)).ShouldBe([zed.ToString(), kit.ToString(), abe.ToString()]);
        (await page.GetAttributeAsync("th:has(a:text('Client'))", "aria-sort")).ShouldBe("descending");
        (await page.TextContentAsync("#queue caption"))!.ShouldBe("Sorted by client, descending");

        await page.ClickAsync("th a.sort:has-text('Waiting')");
        await page.WaitForURLAsync("**sort=waiting**");
        (await RowIdsAsync(page)).ShouldBe([abe.ToString(), kit.ToString(), zed.ToString()]);
        (await page.GetAttributeAsync("th:has(a:text('Waiting'))", "aria-sort")).ShouldBe("ascending");
        (await page.GetAttributeAsync("th:has(a:text('Client'))", "aria-sort")).ShouldBe("none");
        user.ConsoleErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_coordinator_chooses_the_page_size_and_moves_by_numbered_first_and_last_pages()
    {
        var last = Unique();
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 30; i++) await Given($"Pat{i:00}", last, now.AddMinutes(-60 + i));

        await using var user = await WebSession.OpenAsync(app);
        await user.SignInAsync(Roles.Coordinator);
        var page = user.Page;
        await page.GotoAsync($"/coordinator?q={last}");
        (await RowIdsAsync(page)).Count.ShouldBe(25);
        (await page.TextContentAsync("#queue-summary"))!.ShouldContain("page 1 of 2");
        (await page.GetAttributeAsync(".pager a[aria-label='Page 1']", "aria-current")).ShouldBe("page");

        await page.ClickAsync("#last-page");
        await page.WaitForURLAsync("**page=2**");
        (await RowIdsAsync(page)).Count.ShouldBe(5);
        (await page.GetAttributeAsync(".pager a[aria-label='Page 2']", "aria-current")).ShouldBe("page");
        await page.ClickAsync("#first-page");
        await page.WaitForFunctionAsync("() => !location.search.includes('page=2')");
        (await RowIdsAsync(page)).Count.ShouldBe(25);

        await page.SelectOptionAsync("#pageSize", "50");
        await page.ClickAsync("button:text('Search and filter')");
        await page.WaitForURLAsync("**pageSize=50**");
        (await RowIdsAsync(page)).Count.ShouldBe(30);
        (await page.TextContentAsync("#queue-summary"))!.ShouldContain("page 1 of 1");
        (await page.InputValueAsync("#pageSize")).ShouldBe("50");
        user.ConsoleErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task an_intake_sent_through_the_public_form_is_on_the_first_page_of_awaiting_triage()
    {
        // More than a page of older intakes still waiting for triage.
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 26; i++) await Given("Older", Unique(), now.AddDays(-2).AddMinutes(i));

        await using var client = await WebSession.OpenAsync(app, width: 390);
        await client.Page.GotoAsync("/");
        var last = "Newintake" + Guid.NewGuid().ToString("N")[..6];
        await FillIntakeAsync(client.Page, last);
        await client.Page.ClickAsync("button:text('Send my request')");
        await client.Page.WaitForURLAsync("**/thanks");

        await using var user = await WebSession.OpenAsync(app);
        await user.SignInAsync(Roles.Coordinator);
        var page = user.Page;
        await page.GotoAsync("/coordinator");
        await page.ClickAsync("nav.tabs a:has-text('Awaiting triage')");
        await page.WaitForURLAsync("**status=awaitingTriage**");
        (await page.TextContentAsync("#queue caption"))!.ShouldContain("newest first");
        (await TotalAsync(page)).ShouldBeGreaterThan(25);
        var rows = page.Locator("#queue tbody tr");
        (await rows.CountAsync()).ShouldBe(25);
        (await page.Locator($"#queue tbody a:text('Robin {last}')").CountAsync()).ShouldBe(1);
        client.ConsoleErrors.ShouldBeEmpty();
        user.ConsoleErrors.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task the_queue_its_tabs_and_a_search_pass_axe(int width)
    {
        var last = Unique();
        await Given("Axel", last, DateTimeOffset.UtcNow.AddHours(-30));
        await using var user = await WebSession.OpenAsync(app, width);
        await user.SignInAsync(Roles.Coordinator);
        await user.Page.GotoAsync("/coordinator");
        await user.CheckAsync("queue");
        await user.Page.GotoAsync("/coordinator?status=awaitingTriage");
        await user.CheckAsync("queue-awaiting-triage");
        await user.Page.GotoAsync($"/coordinator?q={last}&sort=-due");
        (await RowIdsAsync(user.Page)).Count.ShouldBe(1);
        await user.CheckAsync("queue-search");
        await user.Page.GotoAsync("/coordinator?q=a");
        (await user.Page.Locator("#q[aria-invalid=true]").CountAsync()).ShouldBe(1);
        await user.CheckAsync("queue-search-too-short");
        user.ConsoleErrors.ShouldBeEmpty();
    }
}
