using JasperFx.Events;
using Marten;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Booking;
using Matching.Service.Referrals.ClientLink;
using Matching.Service.Shared;
using Matching.Service.Web.Pages.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Matching.Tests.Web.PageSteps;

namespace Matching.Tests.Web;

/// <summary>
/// The client books their first session on their own page, at phone and desktop width: the accepted clinician's open times
/// by day, a confirm step, the booked session, moving and cancelling it, and a time taken by someone else meanwhile.
/// Each test makes its own clinician (Mondays 09:00-12:00 and Wednesdays 13:00-15:00, Denver) and referrals.
/// </summary>
[Collection(PagesCollection.Name)]
public class ClientBookingPageTests(BrowserFixture app)
{
    private static readonly TimeZoneInfo Practice = TimeZoneInfo.FindSystemTimeZoneById("America/Denver");

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task the_client_chooses_a_time_confirms_it_sees_it_booked_then_moves_and_cancels_it(int width)
    {
        var clinician = await ClinicianAsync($"Maren Holt {width}");
        var (id, link) = await AcceptedWithLinkAsync(clinician);

        await using var user = await WebSession.OpenAsync(app, width);
        var page = user.Page;
        await page.GotoAsync(link);
        await user.CheckAsync("client-open-times");

        // Grouped by day in the practice's zone, each time with the zone's abbreviation; both formats, so the client chooses.
        var days = page.Locator("fieldset.times legend");
        (await days.CountAsync()).ShouldBeGreaterThan(1);
        (await days.First.TextContentAsync())!.ShouldMatch(@"^(Monday|Wednesday) \d{1,2} [A-Z][a-z]+$");
        var times = page.Locator("fieldset.times input[name=startsAt]");
        var labels = await page.Locator("fieldset.times label.time").AllTextContentsAsync();
        labels.ShouldAllBe(l => l.Trim().EndsWith(" MST") || l.Trim().EndsWith(" MDT"));
        (await page.Locator("fieldset.formats input[name=format]").CountAsync()).ShouldBe(2);
        // Big enough to tap.
        (await page.Locator("fieldset.times label.time").First.BoundingBoxAsync())!.Height.ShouldBeGreaterThanOrEqualTo(44);

        var chosen = DateTimeOffset.Parse(await times.Nth(1).InputValueAsync());
        await page.Locator("fieldset.times label.time").Nth(1).ClickAsync();
        await page.Locator("fieldset.formats label", new PageLocatorOptions { HasText = "In person" }).ClickAsync();
        await page.ClickAsync("button:text-is('Continue')");

        // The confirm step says exactly what will be booked; nothing is booked yet.
        (await page.TextContentAsync("#confirm-heading"))!.ShouldBe("Please check your first session");
        (await page.TextContentAsync(".chosen-time"))!.ShouldBe(Span(chosen, 50));
        (await page.TextContentAsync(".confirm-time"))!.ShouldContain($"50 minutes, in person with Maren Holt {width}.");
        (await EventsAsync(id)).ShouldNotContain(e => e.Data is FirstSessionBooked);
        await user.CheckAsync("client-confirm-time");

        await page.ClickAsync("button:text-is('Book this time')");
        await ExpectStatusAsync(page, "Your first session is booked.");
        (await page.TextContentAsync(".session-time"))!.ShouldBe(Span(chosen, 50));
        var booked = (await EventsAsync(id)).Single(e => e.Data is FirstSessionBooked);
        ((FirstSessionBooked)booked.Data).StartsAt.ShouldBe(chosen);
        ((FirstSessionBooked)booked.Data).Format.ShouldBe(SessionFormat.InPerson);
        booked.Headers!["actor-sub"].ToString().ShouldBe("client");
        (await page.TextContentAsync("main"))!.ShouldContain($"until {PracticeTime.Moment(chosen.AddDays(-1), Practice)}");
        await user.CheckAsync("client-booked");

        // Moving: the open times to move to (not the one it holds), then a confirm step naming both times.
        await page.ClickAsync("summary:text-is('Move to another time')");
        var moveTimes = page.Locator("details input[name=startsAt]");
        var moveValues = new List<DateTimeOffset>();
        for (var i = 0; i < await moveTimes.CountAsync(); i++) moveValues.Add(DateTimeOffset.Parse(await moveTimes.Nth(i).InputValueAsync()));
        moveValues.ShouldNotContain(chosen);
        var later = moveValues[^1];
        await page.Locator("details label.time").Last.ClickAsync();
        await user.CheckAsync("client-move-times");
        await page.ClickAsync("details button:text-is('Continue')");
        (await page.TextContentAsync("#confirm-heading"))!.ShouldBe("Move your first session to this time?");
        (await page.TextContentAsync(".confirm-time"))!.ShouldContain($"It's now {Span(chosen, 50)}");
        (await page.TextContentAsync(".chosen-time"))!.ShouldBe(Span(later, 50));
        await user.CheckAsync("client-confirm-move");
        await page.ClickAsync("button:text-is('Move to this time')");
        await ExpectStatusAsync(page, "Your first session is moved");
        (await page.TextContentAsync(".session-time"))!.ShouldBe(Span(later, 50));
        var moved = (await EventsAsync(id)).Select(e => e.Data).OfType<FirstSessionRescheduled>().Single();
        (moved.PreviousStartsAt, moved.StartsAt).ShouldBe((chosen, later));

        // Cancelling, with a reason the client may give; the times come back to choose from.
        await page.ClickAsync("summary:text-is('Cancel this session')");
        await page.FillAsync("#cancel-reason", "My work schedule changed.");
        await user.CheckAsync("client-cancel");
        await page.ClickAsync("button:text-is('Cancel my session')");
        await ExpectStatusAsync(page, "Your first session is cancelled.");
        var cancelled = (await EventsAsync(id)).Select(e => e.Data).OfType<FirstSessionCancelled>().Single();
        (cancelled.By, cancelled.Reason).ShouldBe((CancelledBy.Client, "My work schedule changed."));
        (await page.Locator("#times-heading").CountAsync()).ShouldBe(1);
        (await page.Locator(".session-time").CountAsync()).ShouldBe(0);
        await user.CheckAsync("client-cancelled");
        user.ConsoleErrors.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task a_time_taken_while_the_client_confirms_shows_the_times_still_open(int width)
    {
        var clinician = await ClinicianAsync($"Teodor Lind {width}");
        var (id, link) = await AcceptedWithLinkAsync(clinician);
        var (other, _) = await AcceptedWithLinkAsync(clinician);

        await using var user = await WebSession.OpenAsync(app, width);
        var page = user.Page;
        await page.GotoAsync(link);
        var first = DateTimeOffset.Parse(await page.Locator("fieldset.times input[name=startsAt]").First.InputValueAsync());
        await page.Locator("fieldset.times label.time").First.ClickAsync();
        await page.Locator("fieldset.formats label", new PageLocatorOptions { HasText = "By video" }).ClickAsync();
        await page.ClickAsync("button:text-is('Continue')");
        (await page.TextContentAsync(".chosen-time"))!.ShouldBe(Span(first, 50));

        // Another client of the same clinician books that time first (the handler their link's route invokes).
        await AskAsync(app, new SelfBookFirstSession(first, SessionFormat.Telehealth) { ReferralId = other });
        await page.ClickAsync("button:text-is('Book this time')");

        var message = page.Locator("#booking-message");
        (await message.TextContentAsync())!.Trim().ShouldBe(LinkModel.TakenMessage);
        (await page.EvaluateAsync<string>("() => document.activeElement?.id")).ShouldBe("booking-message");
        var open = page.Locator("fieldset.times input[name=startsAt]");
        (await open.CountAsync()).ShouldBeGreaterThan(0);
        for (var i = 0; i < await open.CountAsync(); i++) DateTimeOffset.Parse(await open.Nth(i).InputValueAsync()).ShouldNotBe(first);
        (await EventsAsync(id)).ShouldNotContain(e => e.Data is FirstSessionBooked);
        (await page.IsCheckedAsync("fieldset.formats input[value=Telehealth]")).ShouldBeTrue();
        await user.CheckAsync("client-time-taken");

        // The client picks again at once.
        var next = DateTimeOffset.Parse(await open.First.InputValueAsync());
        await page.Locator("fieldset.times label.time").First.ClickAsync();
        await page.ClickAsync("button:text-is('Continue')");
        await page.ClickAsync("button:text-is('Book this time')");
        await ExpectStatusAsync(page, "Your first session is booked.");
        var booked = (FirstSessionBooked)(await EventsAsync(id)).Single(e => e.Data is FirstSessionBooked).Data;
        (booked.StartsAt, booked.Format).ShouldBe((next, SessionFormat.Telehealth));
        user.ConsoleErrors.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task without_open_times_or_after_the_cutoff_the_page_gives_the_practices_phone_and_email(int width)
    {
        // A clinician with no weekly hours recorded has no open times to offer.
        var (_, noTimes) = await AcceptedWithLinkAsync(await WyomingClinicianAsync(app, $"Ada Brook {width}"));
        // A session a coordinator booked for tomorrow morning is inside the cutoff already.
        var clinician = await ClinicianAsync($"Sol Ferreira {width}");
        var (booked, soon) = await AcceptedWithLinkAsync(clinician);
        var startsAt = app.Clock.GetUtcNow().AddHours(20);
        await AskAsync(app, new BookFirstSession(startsAt, null, SessionFormat.Telehealth, null, "The client asked for the first free hour.")
        {
            ReferralId = booked
        });

        await using var user = await WebSession.OpenAsync(app, width);
        var page = user.Page;
        await page.GotoAsync(noTimes);
        (await page.TextContentAsync("#times"))!.ShouldContain("There are no open times in the next three weeks just now. Please call us at");
        (await page.Locator("input[name=startsAt]").CountAsync()).ShouldBe(0);
        (await page.Locator("#times a[href='tel:303-555-0100']").CountAsync()).ShouldBe(1);
        await user.CheckAsync("client-no-open-times");

        await page.GotoAsync(soon);
        (await page.TextContentAsync(".session-time"))!.ShouldBe(Span(startsAt, 50));
        var card = (await page.Locator("section", new PageLocatorOptions { Has = page.Locator(".session-time") }).TextContentAsync())!;
        card.ShouldContain("It's less than 1 day before your session, so it can't be changed here.");
        card.ShouldContain("please call us at 303-555-0100 or email care@practice.example and we'll help you.");
        (await page.Locator("section a[href='mailto:care@practice.example']").CountAsync()).ShouldBe(1);
        (await page.Locator("summary").CountAsync()).ShouldBe(0);
        await user.CheckAsync("client-after-cutoff");
        user.ConsoleErrors.ShouldBeEmpty();
    }

    /// <summary>The page's one-time message after a change (a live region, so a screen reader says it).</summary>
    private static async Task ExpectStatusAsync(IPage page, string text)
    {
        var status = page.Locator("[role=status]", new PageLocatorOptions { HasText = text });
        await status.First.WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        (await page.Locator("#booking-message").CountAsync()).ShouldBe(0);
    }

    /// <summary>"Monday 14 December, 10:00–10:50 MST", as the page writes a session.</summary>
    private static string Span(DateTimeOffset startsAt, int minutes)
    {
        var local = TimeZoneInfo.ConvertTime(startsAt, Practice);
        var end = startsAt.AddMinutes(minutes);
        return $"{local:dddd d MMMM}, {local:HH:mm}–{TimeZoneInfo.ConvertTime(end, Practice):HH:mm} {PracticeTime.Abbreviation(end, Practice)}";
    }

    /// <summary>Mondays 09:00-12:00 and Wednesdays 13:00-15:00.</summary>
    private Task<Guid> ClinicianAsync(string name) =>
        WyomingClinicianAsync(app, name, new WeeklyWindow(WeekDay.Monday, "09:00", "12:00"), new WeeklyWindow(WeekDay.Wednesday, "13:00", "15:00"));

    /// <summary>A new client's referral, accepted by the clinician, and the path of the link a coordinator issues the client.</summary>
    private async Task<(Guid Id, string Link)> AcceptedWithLinkAsync(Guid clinician)
    {
        var id = await AcceptedByAsync(app, clinician);
        var issued = await AskAsync(app, new IssueClientLink { ReferralId = id });
        return (id, new Uri(issued.Url).AbsolutePath);
    }

    private async Task<IReadOnlyList<IEvent>> EventsAsync(Guid id)
    {
        await using var session = app.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return await session.Events.FetchStreamAsync(id);
    }
}
