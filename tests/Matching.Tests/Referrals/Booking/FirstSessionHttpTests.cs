using System.Net;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.Booking;

public class FirstSessionHttpTests(LifecycleFixture app) : IClassFixture<LifecycleFixture>
{
    [Fact]
    public async Task no_show_returns_to_accepted_frees_the_slot_and_books_again()
    {
        var referral = await app.Host.SubmittedReferral().Triaged().Proposed().Accepted().Booked(app.Host.Now().AddMinutes(5));
        app.Clock.Advance(TimeSpan.FromMinutes(6));

        var (missed, body) = await referral.Command("first-session/outcome", new { outcome = "noShow" });
        missed.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        body!["status"]!.GetValue<string>().ShouldBe("accepted");
        (await app.Host.SlotCount(referral.ClinicianId!.Value)).ShouldBe(0);

        var rebooked = await Task.FromResult(referral).Booked();
        rebooked.Status.ShouldBe("booked");
        rebooked.SessionId.ShouldNotBe(referral.SessionId);
        (await app.Host.SlotCount(referral.ClinicianId!.Value)).ShouldBe(1);
        (await referral.EventTypes()).TakeLast(3).ShouldBe(["FirstSessionBooked", "FirstSessionMissed", "FirstSessionBooked"]);
    }

    [Fact]
    public async Task rescheduled_session_moves_its_slot()
    {
        var start = app.Host.Now().AddDays(2);
        var referral = await app.Host.SubmittedReferral().Triaged().Proposed().Accepted().Booked(start);
        var other = await app.Host.SubmittedReferral().Triaged().ProposedTo(referral.ClinicianId!.Value).Accepted();

        var (moved, body) = await referral.Command("first-session/reschedule", new { startsAt = start.AddHours(3), overrideReason = ReferralScenarios.AnyTime });
        moved.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        body!["status"]!.GetValue<string>().ShouldBe("booked");

        // The old time is free again for the same clinician; the new one is taken.
        (await other.Command("first-session", new { startsAt = start, format = "telehealth", overrideReason = ReferralScenarios.AnyTime })).Status.ShouldBe(HttpStatusCode.Created);
        var other2 = await app.Host.SubmittedReferral().Triaged().ProposedTo(referral.ClinicianId!.Value).Accepted();
        var (clash, _) = await other2.Command("first-session", new { startsAt = start.AddHours(3).AddMinutes(20), format = "telehealth", overrideReason = ReferralScenarios.AnyTime });
        clash.ShouldBe(HttpStatusCode.Conflict);
        (await other2.EventTypes()).Last().ShouldBe("ProposalAccepted");

        var (past, problem) = await referral.Command("first-session/reschedule", new { startsAt = app.Host.Now().AddMinutes(-5) });
        past.ShouldBe(HttpStatusCode.BadRequest);
        problem!["errors"]!["startsAt"].ShouldNotBeNull();
    }

    [Fact]
    public async Task rescheduling_onto_another_session_of_the_clinician_is_refused()
    {
        var start = app.Host.Now().AddDays(3);
        var first = await app.Host.SubmittedReferral().Triaged().Proposed().Accepted().Booked(start);
        var second = await app.Host.SubmittedReferral().Triaged().ProposedTo(first.ClinicianId!.Value).Accepted().Booked(start.AddHours(2));

        var (clash, problem) = await second.Command("first-session/reschedule", new { startsAt = start.AddMinutes(30), overrideReason = ReferralScenarios.AnyTime });

        clash.ShouldBe(HttpStatusCode.Conflict, problem?.ToJsonString());
        (await second.EventTypes()).Last().ShouldBe("FirstSessionBooked");
    }

    [Fact]
    public async Task cancelled_session_returns_to_accepted_and_frees_the_slot()
    {
        var referral = await app.Host.SubmittedReferral().Triaged().Proposed().Accepted().Booked();

        var (cancelled, body) = await referral.Command("first-session/cancel", new { by = "client", reason = "Work trip." });

        cancelled.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        body!["status"]!.GetValue<string>().ShouldBe("accepted");
        (await app.Host.SlotCount(referral.ClinicianId!.Value)).ShouldBe(0);
        (await referral.EventTypes()).Last().ShouldBe("FirstSessionCancelled");
        (await Task.FromResult(referral).Booked()).Status.ShouldBe("booked");
    }

    [Fact]
    public async Task booking_input_is_checked()
    {
        var referral = await app.Host.SubmittedReferral().Triaged().Proposed().Accepted();

        var (past, problem) = await referral.Command("first-session", new { startsAt = app.Host.Now().AddHours(-1), format = "telehealth" });
        past.ShouldBe(HttpStatusCode.BadRequest);
        problem!["errors"]!["startsAt"].ShouldNotBeNull();

        var (tooLong, problem2) = await referral.Command("first-session",
            new { startsAt = app.Host.Now().AddDays(1), durationMinutes = 300, format = "telehealth" });
        tooLong.ShouldBe(HttpStatusCode.BadRequest);
        problem2!["errors"]!["durationMinutes"].ShouldNotBeNull();

        var (badFormat, _) = await referral.Command("first-session", new { startsAt = app.Host.Now().AddDays(1), format = "carrierPigeon" });
        badFormat.ShouldBe(HttpStatusCode.BadRequest);

        (await referral.Events()).Count.ShouldBe(5);
    }

    [Fact]
    public async Task parallel_overlapping_bookings_for_one_clinician_give_exactly_one_session()
    {
        // Room for 20 new clients this week: the proposals must pass the capacity filter.
        var clinician = await app.Host.OnboardedClinician(weeklyNewClientLimit: 20);
        var referrals = new List<ScenarioReferral>();
        for (var i = 0; i < 20; i++)
            referrals.Add(await app.Host.SubmittedReferral().Triaged().ProposedTo(clinician).Accepted());

        var start = app.Host.Now().AddDays(4);
        var results = await Task.WhenAll(referrals.Select((r, i) =>
            r.Command("first-session", new { startsAt = start.AddMinutes(i), durationMinutes = 50, format = "telehealth", overrideReason = ReferralScenarios.AnyTime })));

        results.Count(r => r.Status == HttpStatusCode.Created).ShouldBe(1);
        results.Count(r => r.Status == HttpStatusCode.Conflict).ShouldBe(19, string.Join(", ", results.Select(r => (int)r.Status)));
        (await app.Host.SlotCount(clinician)).ShouldBe(1);
        var booked = 0;
        foreach (var r in referrals)
            if ((await r.EventTypes()).Contains("FirstSessionBooked")) booked++;
        booked.ShouldBe(1);
    }
}
