using System.Net;
using Matching.Service.Notifications;
using Matching.Tests.Support;

namespace Matching.Tests.Notifications;

public class NotificationOutboxTests(TimerFixture app) : IClassFixture<TimerFixture>
{
    [Fact]
    public async Task client_is_told_of_a_booked_first_session()
    {
        var r = await app.Host.SubmittedReferral().Triaged().Proposed().Accepted().Booked();

        var sent = await app.Notifications.WaitFor(r.Id, NotificationKind.FirstSessionToClient);

        sent.To.ShouldBe(Samples.Intake().Client!.Email);
        sent.Body.ShouldContain("Grace Kim");
        sent.Body.ShouldContain("telehealth");
    }

    [Fact]
    public async Task no_notification_leaves_when_the_booking_rolls_back()
    {
        var clinician = await app.Host.OnboardedClinician();
        var startsAt = app.Host.Now().AddDays(2);
        var first = await app.Host.SubmittedReferral().Triaged().ProposedTo(clinician).Accepted().Booked(startsAt);
        var second = await app.Host.SubmittedReferral().Triaged().ProposedTo(clinician).Accepted();

        // Same clinician, same time: the slot constraint fails the transaction that would append the booking.
        var (status, _) = await second.Command("first-session", new { startsAt, format = "telehealth", overrideReason = ReferralScenarios.AnyTime });
        status.ShouldBe(HttpStatusCode.Conflict);

        // A later booking's notification passes through the same queue: once it is out, the refused one would be too.
        var third = await app.Host.SubmittedReferral().Triaged().Proposed().Accepted().Booked();
        await app.Notifications.WaitFor(third.Id, NotificationKind.FirstSessionToClient);
        await app.Notifications.WaitFor(first.Id, NotificationKind.FirstSessionToClient);
        await Task.Delay(300);
        app.Notifications.For(second.Id, NotificationKind.FirstSessionToClient).ShouldBeEmpty();
    }

    [Fact]
    public async Task no_notification_leaves_when_the_command_is_refused()
    {
        var r = await app.Host.SubmittedReferral().Triaged();

        var (status, _) = await r.Command("proposals", new { clinicianId = Guid.NewGuid() });
        status.ShouldBe(HttpStatusCode.NotFound);

        var later = await app.Host.SubmittedReferral().Triaged().Proposed();
        await app.Notifications.WaitFor(later.Id, NotificationKind.ProposalToClinician);
        app.Notifications.For(r.Id, NotificationKind.ProposalToClinician).ShouldBeEmpty();
    }
}
