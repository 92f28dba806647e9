using System.Globalization;
using Marten;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Booking;
using Matching.Service.Shared;
using Microsoft.Extensions.DependencyInjection;
using static Matching.Tests.Web.PageSteps;

namespace Matching.Tests.Web;

/// <summary>
/// Booking the first session on the referral page: the accepted clinician's next open times as quick picks, and a time
/// outside their weekly hours refused until the coordinator says why. Each test makes its own clinician and referrals.
/// </summary>
[Collection(PagesCollection.Name)]
public class BookingPageTests(BrowserFixture app)
{
    private static readonly TimeZoneInfo Practice = TimeZoneInfo.FindSystemTimeZoneById("America/Denver");
    private const string Input = "yyyy-MM-dd'T'HH:mm";

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task the_booking_form_offers_the_clinicians_open_times_and_books_one(int width)
    {
        var clinician = await ClinicianAsync($"Ines Moreau {width}");
        // Another client of theirs takes a Tuesday 09:00: that time is not offered again.
        var other = await AcceptedAsync(clinician);
        var now = app.Clock.GetUtcNow();
        var first = NextLocal(now.AddDays(1), DayOfWeek.Tuesday, 9);
        await AskAsync(app, new BookFirstSession(At(first), null, SessionFormat.Telehealth, null) { ReferralId = other });
        var id = await AcceptedAsync(clinician);

        await using var user = await WebSession.OpenAsync(app, width);
        await user.SignInAsync(Roles.Coordinator);
        var page = user.Page;
        await page.GotoAsync(Url(id));
        await user.CheckAsync("booking-open-times");

        var picks = page.Locator("#next-step input[name=slot]");
        var offered = new List<DateTime>();
        for (var i = 0; i < await picks.CountAsync(); i++)
            offered.Add(DateTime.ParseExact(await picks.Nth(i).InputValueAsync(), Input, CultureInfo.InvariantCulture));
        offered.Count.ShouldBe(8);
        offered.ShouldBeInOrder();
        // Only inside their hours (Tuesday 09:00-12:00, Thursday 13:00-15:00), on the hour or half hour, a day ahead at the earliest,
        // and clear of the other client's session (09:00-09:50).
        offered.ShouldAllBe(t => (t.DayOfWeek == DayOfWeek.Tuesday && t.Hour >= 9 && t.TimeOfDay <= new TimeSpan(11, 10, 0))
                                 || (t.DayOfWeek == DayOfWeek.Thursday && t.Hour >= 13 && t.TimeOfDay <= new TimeSpan(14, 10, 0)));
        offered.ShouldAllBe(t => t.Minute % 30 == 0 && At(t) >= now.AddDays(1));
        offered.ShouldNotContain(t => t < first.AddMinutes(50) && first < t.AddMinutes(50));
        offered.ShouldContain(first.AddMinutes(60));
        (await page.TextContentAsync("#book-slots"))!.ShouldContain("Ines Moreau");

        // Picking one fills the time field; booking it needs no reason.
        await picks.Nth(1).CheckAsync();
        await page.CheckAsync("#next-step input[name=format][value=InPerson]");
        (await page.InputValueAsync("#starts-at")).ShouldBe(offered[1].ToString(Input, CultureInfo.InvariantCulture));
        await page.ClickAsync("#next-step button:text-is('Book')");
        await ExpectFlashAsync(page, "First session booked.");
        var booked = await BookedAsync(id);
        booked.StartsAt.ShouldBe(At(offered[1]));
        booked.OverrideReason.ShouldBeNull();
        (await page.TextContentAsync("#timeline"))!.ShouldNotContain("outside the clinician's hours");
        user.ConsoleErrors.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task a_time_outside_the_clinicians_hours_is_refused_until_a_reason_is_given(int width)
    {
        var clinician = await ClinicianAsync($"Jonas Whitfield {width}");
        var id = await AcceptedAsync(clinician);
        // A Wednesday evening: they work Tuesdays and Thursdays only.
        var evening = NextLocal(app.Clock.GetUtcNow().AddDays(2), DayOfWeek.Wednesday, 19);

        await using var user = await WebSession.OpenAsync(app, width);
        await user.SignInAsync(Roles.Coordinator);
        var page = user.Page;
        await page.GotoAsync(Url(id));
        await page.FillAsync("#starts-at", evening.ToString(Input, CultureInfo.InvariantCulture));
        await page.CheckAsync("#next-step input[name=format][value=Telehealth]");
        await page.ClickAsync("#next-step button:text-is('Book')");

        (await page.TextContentAsync("#error-overrideReason"))!.ShouldContain("outside the clinician's weekly hours");
        (await page.GetAttributeAsync("#book-override", "aria-invalid")).ShouldBe("true");
        // What was typed is kept, and nothing was booked.
        (await page.InputValueAsync("#starts-at")).ShouldBe(evening.ToString(Input, CultureInfo.InvariantCulture));
        (await page.TextContentAsync("#status"))!.ShouldBe("Accepted");
        (await page.IsCheckedAsync("#next-step input[name=format][value=Telehealth]")).ShouldBeTrue();
        await user.CheckAsync("booking-outside-hours-refused");

        await page.FillAsync("#book-override", "The client works days; the clinician agreed to an evening.");
        await page.ClickAsync("#next-step button:text-is('Book')");
        await ExpectFlashAsync(page, "First session booked.");
        var booked = await BookedAsync(id);
        booked.StartsAt.ShouldBe(At(evening));
        booked.OverrideReason.ShouldBe("The client works days; the clinician agreed to an evening.");
        (await page.TextContentAsync("#timeline"))!.ShouldContain("outside the clinician's hours");

        // Moving it offers their open times too, and a pick moves it inside their hours without a reason.
        await page.ClickAsync("#other-actions > summary");
        var pick = page.Locator("#other-actions input[name=slot]").First;
        var slot = DateTime.ParseExact(await pick.InputValueAsync(), Input, CultureInfo.InvariantCulture);
        await pick.CheckAsync();
        await page.ClickAsync("#other-actions button:text-is('Reschedule')");
        await ExpectFlashAsync(page, "First session rescheduled.");
        var events = await EventsAsync(id);
        events.OfType<FirstSessionRescheduled>().Single().ShouldSatisfyAllConditions(
            moved => moved.StartsAt.ShouldBe(At(slot)),
            moved => moved.OverrideReason.ShouldBeNull());
        user.ConsoleErrors.ShouldBeEmpty();
    }

    /// <summary>Tuesday mornings and Thursday afternoons.</summary>
    private Task<Guid> ClinicianAsync(string name) =>
        WyomingClinicianAsync(app, name, new WeeklyWindow(WeekDay.Tuesday, "09:00", "12:00"), new WeeklyWindow(WeekDay.Thursday, "13:00", "15:00"));

    private Task<Guid> AcceptedAsync(Guid clinician) => AcceptedByAsync(app, clinician);

    private async Task<IReadOnlyList<object>> EventsAsync(Guid id)
    {
        await using var session = app.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Events.FetchStreamAsync(id)).Select(e => e.Data).ToList();
    }

    private async Task<FirstSessionBooked> BookedAsync(Guid id) => (await EventsAsync(id)).OfType<FirstSessionBooked>().Single();

    /// <summary>The first <paramref name="day"/> at <paramref name="hour"/>:00 practice time on or after <paramref name="from"/>'s date.</summary>
    private static DateTime NextLocal(DateTimeOffset from, DayOfWeek day, int hour)
    {
        var date = TimeZoneInfo.ConvertTime(from, Practice).Date.AddDays(1);
        while (date.DayOfWeek != day) date = date.AddDays(1);
        return date.AddHours(hour);
    }

    private static DateTimeOffset At(DateTime practiceTime) => new(practiceTime, Practice.GetUtcOffset(practiceTime));

    private static string Url(Guid id) => $"/coordinator/referrals/{id}";
}
