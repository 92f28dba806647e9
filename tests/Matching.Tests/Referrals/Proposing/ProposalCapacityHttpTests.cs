using System.Net;
using Matching.Service.Clinicians;
using Matching.Service.Referrals;
using Matching.Tests.Clinicians;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.Proposing;

/// <summary>The last free place of a clinician, asked for by several coordinators at the same moment.</summary>
public class ProposalCapacityHttpTests(AppFixture app) : IClassFixture<AppFixture>
{
    private async Task<ScenarioReferral[]> TriagedReferrals(int count)
    {
        var referrals = new ScenarioReferral[count];
        for (var i = 0; i < count; i++) referrals[i] = await app.Host.SubmittedReferral().Triaged();
        return referrals;
    }

    [Fact]
    public async Task only_one_of_many_simultaneous_proposals_takes_the_last_place()
    {
        var clinician = await app.Host.Onboard(Samples.Clinician() with { CaseloadLimit = 1 });
        var referrals = await TriagedReferrals(10);

        var answers = await Task.WhenAll(referrals.Select(r => r.Command("proposals", new { clinicianId = clinician })));

        answers.Count(a => a.Status == HttpStatusCode.Created).ShouldBe(1, string.Join("\n", answers.Select(a => $"{a.Status} {a.Body?.ToJsonString()}")));
        foreach (var (status, body) in answers.Where(a => a.Status != HttpStatusCode.Created))
        {
            status.ShouldBe(HttpStatusCode.Conflict, body?.ToJsonString());
            body!["code"]!.GetValue<string>().ShouldBe("excludedByFilters");
            body["failedFilters"]!.AsArray().Select(f => f!.GetValue<string>()).ShouldContain("noCapacity");
        }

        var proposedEvents = 0;
        foreach (var referral in referrals)
            proposedEvents += (await referral.EventTypes()).Count(t => t == nameof(MatchProposed));
        proposedEvents.ShouldBe(1);

        var directory = await app.Host.Clinician(clinician);
        directory["openProposals"]!.GetValue<int>().ShouldBe(1);
        directory["remainingCapacity"]!.GetValue<int>().ShouldBe(0);
    }

    [Fact]
    public async Task simultaneous_overrides_of_a_full_clinician_all_succeed_and_record_the_lifted_capacity()
    {
        var clinician = await app.Host.Onboard(Samples.Clinician() with { CaseloadLimit = 1 });
        var referrals = await TriagedReferrals(3);

        var answers = await Task.WhenAll(referrals.Select(r => r.Command("proposals",
            new { clinicianId = clinician, overrideReason = "Clinician agreed to take extra clients this month." })));

        answers.ShouldAllBe(a => a.Status == HttpStatusCode.Created);
        var overridden = new List<IReadOnlyList<string>?>();
        foreach (var referral in referrals)
            overridden.Add((await referral.Events()).Select(e => e.Data).OfType<MatchProposed>().Single().OverriddenFilters);
        // Serialized by the lock: the first found a free place, each later one found it taken.
        overridden.Count(o => o is null).ShouldBe(1);
        overridden.Where(o => o is not null).ShouldAllBe(o => o!.Contains("noCapacity"));
        (await app.Host.Clinician(clinician))["openProposals"]!.GetValue<int>().ShouldBe(3);
    }

    [Fact]
    public async Task proposals_to_different_clinicians_do_not_wait_for_each_other()
    {
        var clinicians = new List<Guid>();
        for (var i = 0; i < 4; i++) clinicians.Add(await app.Host.Onboard(Samples.Clinician($"Clinician {i}") with { CaseloadLimit = 1 }));
        var referrals = await TriagedReferrals(4);

        var answers = await Task.WhenAll(referrals.Select((r, i) => r.Command("proposals", new { clinicianId = clinicians[i] })));

        answers.ShouldAllBe(a => a.Status == HttpStatusCode.Created);
    }
}
