using System.Net;
using System.Text.Json.Nodes;
using Matching.Service.Referrals;
using Matching.Service.Shared;
using Matching.Tests.Support;
using Matching.Service.Referrals.SubmittingIntake;

namespace Matching.Tests.Clinicians.Workload;

/// <summary>Referral events appended straight to the store, and the directory's load figures that follow.</summary>
public class ClinicianWorkloadHttpTests(AppFixture app) : IClassFixture<AppFixture>
{
    private async Task<Guid> ProposedReferral(Guid clinicianId, Guid proposalId)
    {
        var referralId = Guid.CreateVersion7();
        await using var session = app.Store.LightweightSession();
        session.Events.StartStream<Referral>(referralId,
            new IntakeSubmitted(SubmitIntakeHandler.Kept(Samples.Intake()), new DateOnly(2025, 3, 3), AgeGroup.Adult),
            new ReferralTriaged(TriagePriority.Routine, null),
            new MatchProposed(proposalId, clinicianId, DateTimeOffset.UtcNow.AddHours(72), null, null, null));
        await session.SaveChangesAsync();
        return referralId;
    }

    private async Task Append(Guid referralId, params object[] events)
    {
        await using var session = app.Store.LightweightSession();
        session.Events.Append(referralId, events);
        await session.SaveChangesAsync();
    }

    private async Task<(int Open, int Active, int Remaining, int NewThisWeek)> Load(Guid clinicianId)
    {
        JsonNode c = await app.Host.Clinician(clinicianId);
        return (c["openProposals"]!.GetValue<int>(), c["activeClients"]!.GetValue<int>(),
            c["remainingCapacity"]!.GetValue<int>(), c["newClientsLast7Days"]!.GetValue<int>());
    }

    [Fact]
    public async Task proposals_and_acceptances_show_as_load_in_the_directory()
    {
        var clinician = await app.Host.Onboard(Samples.Clinician() with { CaseloadLimit = 5 });
        var (p1, p2, p3) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        var r1 = await ProposedReferral(clinician, p1);
        var r2 = await ProposedReferral(clinician, p2);
        var r3 = await ProposedReferral(clinician, p3);
        (await Load(clinician)).ShouldBe((3, 0, 2, 0));

        await Append(r1, new ProposalAccepted(p1, clinician, null));
        await Append(r2, new ProposalDeclined(p2, clinician, DeclineReason.SchedulingConflict, null));
        (await Load(clinician)).ShouldBe((1, 1, 3, 1));

        await Append(r3, new ProposalWithdrawn(p3, clinician, "Client asked for someone else"));
        (await Load(clinician)).ShouldBe((0, 1, 4, 1));

        var (list, body) = await app.Host.Get("/api/clinicians", Tokens.Coordinator);
        list.ShouldBe(System.Net.HttpStatusCode.OK);
        var item = body!["items"]!.AsArray().Single(i => i!["clinicianId"]!.GetValue<Guid>() == clinician)!;
        item["activeClients"]!.GetValue<int>().ShouldBe(1);
        item["remainingCapacity"]!.GetValue<int>().ShouldBe(4);
    }

    [Fact]
    public async Task a_client_who_attended_stays_and_one_who_left_frees_the_place()
    {
        var clinician = await app.Host.Onboard(Samples.Clinician() with { CaseloadLimit = 5 });
        var (p1, p2) = (Guid.NewGuid(), Guid.NewGuid());
        var session1 = Guid.NewGuid();

        var engaged = await ProposedReferral(clinician, p1);
        await Append(engaged,
            new ProposalAccepted(p1, clinician, null),
            new FirstSessionBooked(session1, clinician, DateTimeOffset.UtcNow.AddDays(2), 50, SessionFormat.Telehealth),
            new FirstSessionAttended(session1, clinician, null));
        var unreachable = await ProposedReferral(clinician, p2);
        await Append(unreachable, new ProposalAccepted(p2, clinician, null));
        (await Load(clinician)).ShouldBe((0, 2, 3, 2));

        await Append(unreachable, new ReferralClosed(ClosureOutcome.Unreachable, null, clinician));
        (await Load(clinician)).ShouldBe((0, 1, 4, 2));
    }

    [Fact]
    public async Task a_referral_closed_while_proposed_no_longer_counts_as_open()
    {
        var clinician = await app.Host.Onboard();
        var proposal = Guid.NewGuid();
        var referral = await ProposedReferral(clinician, proposal);

        await Append(referral, new ReferralClosed(ClosureOutcome.Withdrawn, "Found help elsewhere", clinician));

        (await Load(clinician)).ShouldBe((0, 0, 25, 0));
    }

    [Fact]
    public async Task load_belongs_to_the_clinician_it_names()
    {
        var grace = await app.Host.Onboard();
        var omar = await app.Host.Onboard(Samples.Clinician("Omar Haddad"));

        await ProposedReferral(grace, Guid.NewGuid());

        (await Load(grace)).Open.ShouldBe(1);
        (await Load(omar)).Open.ShouldBe(0);
    }

    [Fact]
    public async Task proposals_appended_at_once_from_many_sessions_all_count()
    {
        var clinician = await app.Host.Onboard();

        await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
        {
            await using var session = app.Store.LightweightSession();
            session.Events.StartStream<Referral>(Guid.CreateVersion7(),
                new IntakeSubmitted(SubmitIntakeHandler.Kept(Samples.Intake()), new DateOnly(2025, 3, 3), AgeGroup.Adult),
                new MatchProposed(Guid.NewGuid(), clinician, DateTimeOffset.UtcNow.AddHours(72), null, null, null));
            await session.SaveChangesAsync();
        }));

        (await Load(clinician)).ShouldBe((12, 0, 13, 0));
    }

    [Fact]
    public async Task twenty_referrals_proposed_to_one_clinician_at_once_show_twenty_open_proposals()
    {
        var clinician = await app.Host.Onboard();
        var referrals = new List<ScenarioReferral>();
        for (var i = 0; i < 20; i++) referrals.Add(await app.Host.SubmittedReferral().Triaged());

        var answers = await Task.WhenAll(referrals.Select(r => r.Command("proposals", new { clinicianId = clinician })));

        answers.ShouldAllBe(a => a.Status == HttpStatusCode.Created);
        foreach (var r in referrals) (await r.EventTypes()).ShouldContain(nameof(MatchProposed));
        (await Load(clinician)).ShouldBe((20, 0, 5, 0));
    }
}
