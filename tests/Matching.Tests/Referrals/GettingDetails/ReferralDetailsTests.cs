using System.Net;
using Matching.Service.Referrals;
using Matching.Service.Shared;
using Matching.Tests.Support;
using static Matching.Tests.Referrals.GivenReferrals;

namespace Matching.Tests.Referrals.GettingDetails;

public class ReferralDetailsTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task detail_shows_the_intake_risk_proposals_contacts_session_and_closure()
    {
        var grace = await app.Clinician("Grace Kim");
        var omar = await app.Clinician("Omar Haddad");
        var id = await app.Referral(Submitted(Samples.UrgentIntake()), new RiskFlagged(SelfHarmAnswer.SeveralDays));
        var declined = Guid.NewGuid();
        var accepted = Guid.NewGuid();
        var session = Guid.NewGuid();
        var startsAt = DateTimeOffset.UtcNow.AddDays(2);
        await app.Append(id,
            new RiskAcknowledged(RiskAction.ContactedClient, "Called, safe for now."),
            new ContactAttempted(ContactChannel.Phone, ContactOutcome.Reached, null),
            new ReferralTriaged(TriagePriority.Urgent, null),
            new MatchProposed(declined, grace, DateTimeOffset.UtcNow.AddDays(3), null, null, null),
            new ProposalDeclined(declined, grace, DeclineReason.NoCapacity, null),
            new MatchProposed(accepted, omar, DateTimeOffset.UtcNow.AddDays(3), "good fit", null, null),
            new ProposalAccepted(accepted, omar, null),
            new FirstSessionBooked(session, omar, startsAt, 50, SessionFormat.Telehealth),
            new FirstSessionAttended(session, omar, null));

        var (status, body) = await app.Host.Get($"/api/referrals/{id}", Tokens.Coordinator);

        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        body!["referralId"]!.GetValue<Guid>().ShouldBe(id);
        body["version"]!.GetValue<int>().ShouldBe(11);
        body["status"]!.GetValue<string>().ShouldBe("closed");
        body["urgent"]!.GetValue<bool>().ShouldBeTrue();
        body["riskAcknowledged"]!.GetValue<bool>().ShouldBeTrue();
        body["risk"]!["actionTaken"]!.GetValue<string>().ShouldBe("contactedClient");
        body["intake"]!["client"]!["lastName"]!.GetValue<string>().ShouldBe("Lee");
        body["intake"]!["concerns"]!.AsArray().Count.ShouldBe(2);
        body["rematchCount"]!.GetValue<int>().ShouldBe(1);
        body["submittedAt"].ShouldNotBeNull();
        body["statusSince"].ShouldNotBeNull();

        var proposals = body["proposals"]!.AsArray();
        proposals.Count.ShouldBe(2);
        proposals[0]!["status"]!.GetValue<string>().ShouldBe("declined");
        proposals[0]!["declineReason"]!.GetValue<string>().ShouldBe("noCapacity");
        proposals[0]!["clinicianId"]!.GetValue<Guid>().ShouldBe(grace);
        proposals[0]!["clinicianName"]!.GetValue<string>().ShouldBe("Grace Kim");
        proposals[1]!["status"]!.GetValue<string>().ShouldBe("accepted");
        proposals[1]!["clinicianName"]!.GetValue<string>().ShouldBe("Omar Haddad");
        proposals[1]!["declineReason"].ShouldBeNull();

        body["contactAttempts"]!.AsArray().Single()!["outcome"]!.GetValue<string>().ShouldBe("reached");
        body["firstSession"]!["status"]!.GetValue<string>().ShouldBe("attended");
        body["firstSession"]!["clinicianName"]!.GetValue<string>().ShouldBe("Omar Haddad");
        body["closure"]!["outcome"]!.GetValue<string>().ShouldBe("engaged");
        body["suggestions"].ShouldBeNull();
    }

    [Fact]
    public async Task unknown_referral_is_404()
    {
        var (status, body) = await app.Host.Get($"/api/referrals/{Guid.NewGuid()}", Tokens.Coordinator);

        status.ShouldBe(HttpStatusCode.NotFound, body?.ToJsonString());
    }

    [Fact]
    public async Task detail_is_for_coordinators_and_admins_only()
    {
        var id = await app.Referral(Submitted());

        (await app.Host.Get($"/api/referrals/{id}")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await app.Host.Get($"/api/referrals/{id}", Tokens.Clinician(Guid.NewGuid()))).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await app.Host.Get($"/api/referrals/{id}", Tokens.Compliance)).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await app.Host.Get($"/api/referrals/{id}", Tokens.Admin)).Status.ShouldBe(HttpStatusCode.OK);
    }
}

/// <summary>Reads of one referral at the same moment: each is served and each is its own access entry.</summary>
public class ConcurrentReadsTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task twenty_parallel_reads_of_one_referral_all_answer_and_are_each_recorded()
    {
        var (_, intake) = await app.Host.Post("/api/intake", Samples.Intake());
        var id = intake!["referralId"]!.GetValue<Guid>();

        foreach (var round in Enumerable.Range(0, 3))
        {
            var reads = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
                app.Host.Get(i % 2 == 0 ? $"/api/referrals/{id}" : $"/api/referrals/{id}/timeline", Tokens.Coordinator)));
            reads.Select(r => r.Status).ShouldAllBe(s => s == System.Net.HttpStatusCode.OK, $"round {round}: {string.Join(", ", reads.Select(r => (int)r.Status))}");
        }

        await using var session = app.Store.QuerySession();
        var accesses = await Marten.QueryableExtensions.ToListAsync(session.Events.QueryRawEventDataOnly<Matching.Service.Audit.PersonalDataAccessed>()
            .Where(a => a.ReferralId == id));
        accesses.Count.ShouldBe(60);
    }
}
