using System.Net;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Waitlisting;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.Waitlisting;

public class WaitlistCheckInHttpTests(TimerFixture app) : IClassFixture<TimerFixture>
{
    [Fact]
    public async Task waitlisted_referral_comes_due_for_a_check_in_and_shows_due_in_the_queue()
    {
        var r = await app.Host.SubmittedReferral().Triaged().Waitlisted();
        (await app.Host.Stored<WaitlistCheckIn>()).ShouldContain(new WaitlistCheckIn(r.Id, 1, 1));

        app.Clock.Advance(TimeSpan.FromDays(14) + TimeSpan.FromMinutes(1));
        await app.Host.Fire(new WaitlistCheckIn(r.Id, 1, 1));
        await app.Host.Fire(new WaitlistCheckIn(r.Id, 1, 1));

        var events = await app.Store.EventsOf(r.Id);
        events.Select(e => e.Data).OfType<WaitlistCheckInDue>().ShouldHaveSingleItem().CheckInNumber.ShouldBe(1);
        // Each check-in schedules the next while the referral still waits.
        (await app.Host.Stored<WaitlistCheckIn>()).ShouldContain(new WaitlistCheckIn(r.Id, 1, 2));

        var (status, queue) = await app.Host.Get("/api/referrals?status=waitlisted&pageSize=200", Tokens.Coordinator);
        status.ShouldBe(HttpStatusCode.OK);
        var row = queue!["items"]!.AsArray().Single(i => i!["referralId"]!.GetValue<Guid>() == r.Id)!;
        row["nextAction"]!.GetValue<string>().ShouldBe("waitlistCheckIn");
        row["overdue"]!.GetValue<bool>().ShouldBeTrue();
        row["dueAt"]!.GetValue<DateTimeOffset>().ShouldBeLessThanOrEqualTo(app.Clock.GetUtcNow());
    }

    [Fact]
    public async Task referral_proposed_off_the_waitlist_gets_no_check_in()
    {
        var r = await app.Host.SubmittedReferral().Triaged().Waitlisted().Proposed();
        app.Clock.Advance(TimeSpan.FromDays(15));

        await app.Host.Fire(new WaitlistCheckIn(r.Id, 1, 1));

        (await app.Store.EventsOf(r.Id)).Select(e => e.Data).OfType<WaitlistCheckInDue>().ShouldBeEmpty();
    }
}
