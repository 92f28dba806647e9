using System.Net;
using Matching.Service.Referrals;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.RiskAcknowledging;

public class UrgentReferralHttpTests(LifecycleFixture app) : IClassFixture<LifecycleFixture>
{
    [Fact]
    public async Task urgent_referral_waits_for_risk_acknowledgement_before_triage_match_or_waitlist()
    {
        var (submitted, intake) = await app.Host.Post("/api/intake", Samples.UrgentIntake());
        submitted.ShouldBe(HttpStatusCode.Created);
        intake!["urgent"]!.GetValue<bool>().ShouldBeTrue();
        intake["version"]!.GetValue<int>().ShouldBe(3);
        var resources = intake["crisisResources"]!.AsArray().Select(r => $"{r!["name"]} {r["contact"]}").ToArray();
        resources.ShouldContain(r => r.Contains("988"));
        resources.ShouldContain(r => r.Contains("911"));
        var referral = new ScenarioReferral(app.Host, intake["referralId"]!.GetValue<Guid>(), 2, "awaitingTriage");
        var clinician = await app.Host.OnboardedClinician();

        var refusals = new[]
        {
            await referral.Command("triage", new { priority = "urgent" }),
            await referral.Command("waitlist", new { reason = "No openings." }),
            await referral.Command("proposals", new { clinicianId = clinician })
        };
        foreach (var (status, problem) in refusals)
        {
            status.ShouldBe(HttpStatusCode.Conflict, problem?.ToJsonString());
            problem!["code"]!.GetValue<string>().ShouldBe("riskNotAcknowledged");
        }

        var (missingNote, _) = await referral.Command("risk-acknowledgement", new { actionTaken = "contactedClient" });
        missingNote.ShouldBe(HttpStatusCode.BadRequest);

        var (acknowledged, body) = await referral.Command("risk-acknowledgement",
            new { actionTaken = "referredToCrisisServices", note = "Warm hand-off to 988.", expectedVersion = 3 });
        acknowledged.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        (body!["status"]!.GetValue<string>(), body["version"]!.GetValue<int>()).ShouldBe(("awaitingTriage", 4));

        var (twice, _) = await referral.Command("risk-acknowledgement", new { actionTaken = "other", note = "Again." });
        twice.ShouldBe(HttpStatusCode.Conflict);

        var triaged = await Task.FromResult(referral).Triaged();
        triaged.Status.ShouldBe("awaitingMatch");
        (await Task.FromResult(triaged).ProposedTo(clinician)).Status.ShouldBe("proposed");

        (await referral.EventTypes()).ShouldBe(["IntakeSubmitted", "RiskFlagged", "ClientLinkIssued", "RiskAcknowledged", "ReferralTriaged", "MatchProposed"]);
        (await referral.Events())[3].Data.ShouldBe(new RiskAcknowledged(RiskAction.ReferredToCrisisServices, "Warm hand-off to 988."));
    }

    [Fact]
    public async Task routine_referral_has_no_risk_to_acknowledge()
    {
        var referral = await app.Host.SubmittedReferral();
        var (status, problem) = await referral.Command("risk-acknowledgement", new { actionTaken = "contactedClient", note = "n/a" });
        status.ShouldBe(HttpStatusCode.Conflict, problem?.ToJsonString());
        (await referral.Events()).Count.ShouldBe(2);
    }
}
