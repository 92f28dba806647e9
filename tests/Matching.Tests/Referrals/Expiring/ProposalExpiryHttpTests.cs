using System.Net;
using Matching.Service.Notifications;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Expiring;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.Expiring;

public class ProposalExpiryHttpTests(TimerFixture app) : IClassFixture<TimerFixture>
{
    private static readonly TimeSpan PastTheWindow = TimeSpan.FromHours(72) + TimeSpan.FromMinutes(1);

    [Fact]
    public async Task proposing_schedules_its_expiry_in_the_durable_inbox()
    {
        var r = await app.Host.SubmittedReferral().Triaged().Proposed();

        (await app.Host.Stored<ExpireProposal>()).ShouldContain(new ExpireProposal(r.Id, r.ProposalId!.Value));
    }

    [Fact]
    public async Task unanswered_proposal_expires_once_and_the_referral_can_be_rematched()
    {
        var r = await app.Host.SubmittedReferral().Triaged().Proposed();
        app.Clock.Advance(PastTheWindow);

        await app.Host.Fire(new ExpireProposal(r.Id, r.ProposalId!.Value));
        await app.Host.Fire(new ExpireProposal(r.Id, r.ProposalId!.Value));

        var events = await app.Store.EventsOf(r.Id);
        events.Select(e => e.Data).OfType<ProposalExpired>().ShouldHaveSingleItem()
            .ShouldBe(new ProposalExpired(r.ProposalId!.Value, r.ClinicianId!.Value));
        // Stamped in the event store itself, not only shown as the system by the timeline.
        var expired = events.Single(e => e.Data is ProposalExpired);
        expired.Headers.ShouldNotBeNull();
        expired.Headers!["actor-sub"].ToString().ShouldBe("system");
        expired.Headers["actor-role"].ToString().ShouldBe("system");
        var (_, timeline) = await app.Host.Get($"{r.Url}/timeline", Tokens.Coordinator);
        var last = timeline!["items"]!.AsArray()[^1]!;
        last["type"]!.GetValue<string>().ShouldBe("ProposalExpired");
        last["actor"]!["sub"]!.GetValue<string>().ShouldBe("system");
        last["actor"]!["role"]!.GetValue<string>().ShouldBe("system");

        var (status, detail) = await app.Host.Get(r.Url, Tokens.Coordinator);
        status.ShouldBe(HttpStatusCode.OK);
        detail!["status"]!.GetValue<string>().ShouldBe("awaitingMatch");
        detail["rematchCount"]!.GetValue<int>().ShouldBe(1);

        var rematched = await Task.FromResult(r with { Version = events.Count }).Proposed();
        rematched.Status.ShouldBe("proposed");
    }

    [Fact]
    public async Task answered_proposal_does_not_expire()
    {
        var r = await app.Host.SubmittedReferral().Triaged().Proposed().Accepted();
        app.Clock.Advance(PastTheWindow);

        await app.Host.Fire(new ExpireProposal(r.Id, r.ProposalId!.Value));

        var events = await app.Store.EventsOf(r.Id);
        events.Select(e => e.Data).OfType<ProposalExpired>().ShouldBeEmpty();
        events.Count.ShouldBe((int)r.Version);
    }

    [Fact]
    public async Task the_proposed_clinician_is_told_without_any_of_the_clients_details()
    {
        var r = await app.Host.SubmittedReferral().Triaged().Proposed();

        var sent = await app.Notifications.WaitFor(r.Id, NotificationKind.ProposalToClinician);

        sent.To.ShouldBe($"{r.ClinicianId:N}@practice.example");
        var intake = Samples.Intake();
        foreach (var personal in new[] { intake.Client!.FirstName, intake.Client.LastName, intake.Client.Email, intake.Client.Phone })
        {
            sent.Body.ShouldNotContain(personal!);
            sent.Subject.ShouldNotContain(personal!);
        }
        sent.Body.ShouldContain(r.ProposalId!.Value.ToString());
    }
}
