using Matching.Service.Notifications;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Escalating;
using Matching.Service.Referrals.SubmittingIntake;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.Escalating;

public class RiskEscalationHttpTests(TimerFixture app) : IClassFixture<TimerFixture>
{
    private static readonly TimeSpan PastTheWindow = TimeSpan.FromMinutes(16);

    [Fact]
    public async Task unacknowledged_urgent_referral_escalates_once_and_the_team_is_notified_once()
    {
        var r = await app.Host.SubmittedReferral(urgent: true);
        app.Clock.Advance(PastTheWindow);

        await app.Host.Fire(new CheckRiskAcknowledgement(r.Id));
        await app.Host.Fire(new CheckRiskAcknowledgement(r.Id));

        var events = await app.Store.EventsOf(r.Id);
        var escalated = events.Select(e => e.Data).OfType<RiskEscalated>().ShouldHaveSingleItem();
        escalated.Window.ShouldBe(TimeSpan.FromMinutes(15));
        var sent = await app.Notifications.WaitFor(r.Id, NotificationKind.EscalationToCoordinators);
        app.Notifications.For(r.Id, NotificationKind.EscalationToCoordinators).Count.ShouldBe(1);
        sent.Body.ShouldNotContain(Samples.UrgentIntake().Client!.LastName!);
        sent.Body.ShouldContain(r.Id.ToString());
    }

    [Fact]
    public async Task acknowledged_urgent_referral_does_not_escalate()
    {
        var r = await app.Host.SubmittedReferral(urgent: true).RiskAcknowledged();
        app.Clock.Advance(PastTheWindow);

        await app.Host.Fire(new CheckRiskAcknowledgement(r.Id));

        (await app.Store.EventsOf(r.Id)).Select(e => e.Data).OfType<RiskEscalated>().ShouldBeEmpty();
        app.Notifications.For(r.Id, NotificationKind.EscalationToCoordinators).ShouldBeEmpty();
    }

    [Fact]
    public async Task urgent_intake_schedules_one_risk_check_and_a_repeated_intake_schedules_no_more()
    {
        var key = Guid.NewGuid().ToString();
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = key };
        var id = SubmitIntakeHandler.StreamIdFor(key);

        var first = await app.Host.Send(HttpMethod.Post, "/api/intake", Samples.UrgentIntake(), headers: headers);
        var again = await app.Host.Send(HttpMethod.Post, "/api/intake", Samples.UrgentIntake(), headers: headers);

        first.Status.ShouldBe(System.Net.HttpStatusCode.Created);
        again.Status.ShouldBe(System.Net.HttpStatusCode.OK);
        (await app.Host.Stored<CheckRiskAcknowledgement>()).Count(c => c.ReferralId == id).ShouldBe(1);
    }

    [Fact]
    public async Task routine_intake_schedules_no_risk_check()
    {
        var r = await app.Host.SubmittedReferral();

        (await app.Host.Stored<CheckRiskAcknowledgement>()).ShouldNotContain(c => c.ReferralId == r.Id);
    }
}
