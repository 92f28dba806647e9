using System.Net;
using Matching.Service.Referrals;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.Booking;

/// <summary>A coordinator's booking against the accepted clinician's weekly hours (the scenario clinician's: Mondays 09:00-17:00, Denver).</summary>
public class BookingAvailabilityHttpTests(LifecycleFixture app) : IClassFixture<LifecycleFixture>
{
    private static readonly TimeZoneInfo Denver = TimeZoneInfo.FindSystemTimeZoneById("America/Denver");

    private DateTimeOffset NextMonday(int hour)
    {
        var date = TimeZoneInfo.ConvertTime(app.Host.Now(), Denver).Date.AddDays(2);
        while (date.DayOfWeek != DayOfWeek.Monday) date = date.AddDays(1);
        var local = date.AddHours(hour);
        return new DateTimeOffset(local, Denver.GetUtcOffset(local));
    }

    [Fact]
    public async Task booking_outside_the_clinicians_hours_is_a_409_and_appends_nothing()
    {
        var referral = await app.Host.SubmittedReferral().Triaged().Proposed().Accepted();

        var (status, problem) = await referral.Command("first-session", new { startsAt = NextMonday(17), format = "telehealth" });

        status.ShouldBe(HttpStatusCode.Conflict, problem?.ToJsonString());
        problem!["code"]!.GetValue<string>().ShouldBe("outsideAvailability");
        (await referral.EventTypes()).Last().ShouldBe("ProposalAccepted");
        (await app.Host.SlotCount(referral.ClinicianId!.Value)).ShouldBe(0);
    }

    [Fact]
    public async Task booking_inside_the_clinicians_hours_is_a_201_without_a_reason()
    {
        var referral = await app.Host.SubmittedReferral().Triaged().Proposed().Accepted();

        // 16:10-17:00 ends on the window's end.
        var (status, body) = await referral.Command("first-session", new { startsAt = NextMonday(16).AddMinutes(10), format = "telehealth" });

        status.ShouldBe(HttpStatusCode.Created, body?.ToJsonString());
        var booked = (await referral.Events()).Select(e => e.Data).OfType<FirstSessionBooked>().Single();
        booked.StartsAt.ShouldBe(NextMonday(16).AddMinutes(10));
        booked.OverrideReason.ShouldBeNull();
    }

    [Fact]
    public async Task a_reason_books_outside_the_hours_and_is_recorded_on_the_event()
    {
        var referral = await app.Host.SubmittedReferral().Triaged().Proposed().Accepted();

        var (status, body) = await referral.Command("first-session",
            new { startsAt = NextMonday(18), format = "telehealth", overrideReason = "The clinician offered an evening for this client." });

        status.ShouldBe(HttpStatusCode.Created, body?.ToJsonString());
        (await referral.Events()).Select(e => e.Data).OfType<FirstSessionBooked>().Single().OverrideReason
            .ShouldBe("The clinician offered an evening for this client.");
    }

    [Fact]
    public async Task rescheduling_outside_the_hours_needs_a_reason_which_is_recorded()
    {
        var referral = await app.Host.SubmittedReferral().Triaged().Proposed().Accepted().Booked(NextMonday(10));

        var (refused, problem) = await referral.Command("first-session/reschedule", new { startsAt = NextMonday(10).AddDays(1) });
        refused.ShouldBe(HttpStatusCode.Conflict, problem?.ToJsonString());
        problem!["code"]!.GetValue<string>().ShouldBe("outsideAvailability");

        var (inside, _) = await referral.Command("first-session/reschedule", new { startsAt = NextMonday(11) });
        inside.ShouldBe(HttpStatusCode.OK);
        var (outside, body) = await referral.Command("first-session/reschedule",
            new { startsAt = NextMonday(10).AddDays(1), overrideReason = "Monday is a holiday this week." });
        outside.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());

        var moves = (await referral.Events()).Select(e => e.Data).OfType<FirstSessionRescheduled>().ToList();
        moves.Select(m => m.OverrideReason).ShouldBe([null, "Monday is a holiday this week."]);
    }
}
