using Matching.Service.Clinicians.Workload;
using Matching.Service.Referrals;
using Matching.Service.Shared;
using Matching.Tests.Support;
using Matching.Service.Referrals.SubmittingIntake;

namespace Matching.Tests.Clinicians.Workload;

/// <summary>The workload query over referral snapshots written straight to the store.</summary>
public class ClinicianWorkloadTests(AppFixture app) : IClassFixture<AppFixture>
{
    private readonly Guid _clinician = Guid.NewGuid();

    private async Task<Guid> Referral(params object[] events)
    {
        var referralId = Guid.CreateVersion7();
        await using var session = app.Store.LightweightSession();
        session.Events.StartStream<Referral>(referralId,
            [new IntakeSubmitted(SubmitIntakeHandler.Kept(Samples.Intake()), new DateOnly(2025, 3, 3), AgeGroup.Adult), new ReferralTriaged(TriagePriority.Routine, null), ..events]);
        await session.SaveChangesAsync();
        return referralId;
    }

    private static MatchProposed Proposed(Guid proposalId, Guid clinicianId) =>
        new(proposalId, clinicianId, DateTimeOffset.UtcNow.AddHours(72), null, null, null);

    private async Task<ClinicianWorkload> Workload(Guid clinicianId, DateTimeOffset? now = null)
    {
        await using var session = app.Store.QuerySession();
        return await ClinicianWorkloads.ForAsync(session, clinicianId, now ?? DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);
    }

    [Fact]
    public async Task a_proposal_is_open_until_answered()
    {
        await Referral(Proposed(Guid.NewGuid(), _clinician));

        var load = await Workload(_clinician);
        load.ShouldBe(new ClinicianWorkload(_clinician, 1, 0, 0));
        load.RemainingCapacity(25).ShouldBe(24);
    }

    [Fact]
    public async Task an_accepted_proposal_is_an_active_client_and_a_new_client_for_seven_days()
    {
        var proposal = Guid.NewGuid();
        await Referral(Proposed(proposal, _clinician), new ProposalAccepted(proposal, _clinician, null));

        (await Workload(_clinician)).ShouldBe(new ClinicianWorkload(_clinician, 0, 1, 1));
        (await Workload(_clinician, DateTimeOffset.UtcNow.AddDays(6))).NewClientsLast7Days.ShouldBe(1);
        (await Workload(_clinician, DateTimeOffset.UtcNow.AddDays(8))).ShouldBe(new ClinicianWorkload(_clinician, 0, 1, 0));
        (await Workload(_clinician, DateTimeOffset.UtcNow.AddDays(-1))).NewClientsLast7Days.ShouldBe(0);
    }

    [Fact]
    public async Task declined_expired_and_withdrawn_proposals_end_without_a_client()
    {
        var (p1, p2, p3) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await Referral(Proposed(p1, _clinician), new ProposalDeclined(p1, _clinician, DeclineReason.NoCapacity, null));
        await Referral(Proposed(p2, _clinician), new ProposalExpired(p2, _clinician));
        await Referral(Proposed(p3, _clinician), new ProposalWithdrawn(p3, _clinician, "Client chose another practice"));

        (await Workload(_clinician)).ShouldBe(new ClinicianWorkload(_clinician, 0, 0, 0));
    }

    [Fact]
    public async Task a_referral_closed_short_of_engagement_frees_the_place_but_stays_a_new_client_this_week()
    {
        var proposal = Guid.NewGuid();
        await Referral(Proposed(proposal, _clinician), new ProposalAccepted(proposal, _clinician, null),
            new ReferralClosed(ClosureOutcome.Unreachable, null, _clinician));

        var load = await Workload(_clinician);
        load.ShouldBe(new ClinicianWorkload(_clinician, 0, 0, 1));
        load.RemainingCapacity(25).ShouldBe(25);
    }

    [Fact]
    public async Task a_referral_closed_while_proposed_ends_the_open_proposal()
    {
        await Referral(Proposed(Guid.NewGuid(), _clinician), new ReferralClosed(ClosureOutcome.Withdrawn, null, _clinician));

        (await Workload(_clinician)).ShouldBe(new ClinicianWorkload(_clinician, 0, 0, 0));
    }

    [Fact]
    public async Task a_booked_client_and_an_engaged_client_stay_active()
    {
        var (p1, p2, s1, s2) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var startsAt = DateTimeOffset.UtcNow.AddDays(2);
        await Referral(Proposed(p1, _clinician), new ProposalAccepted(p1, _clinician, null),
            new FirstSessionBooked(s1, _clinician, startsAt, 50, SessionFormat.Telehealth));
        await Referral(Proposed(p2, _clinician), new ProposalAccepted(p2, _clinician, null),
            new FirstSessionBooked(s2, _clinician, startsAt, 50, SessionFormat.Telehealth),
            new FirstSessionAttended(s2, _clinician, null));

        (await Workload(_clinician)).ActiveClients.ShouldBe(2);
    }

    [Fact]
    public async Task after_a_decline_the_load_moves_to_the_clinician_proposed_next()
    {
        var other = Guid.NewGuid();
        var (p1, p2) = (Guid.NewGuid(), Guid.NewGuid());
        await Referral(Proposed(p1, _clinician), new ProposalDeclined(p1, _clinician, DeclineReason.NotAFit, null),
            Proposed(p2, other), new ProposalAccepted(p2, other, null));

        (await Workload(_clinician)).ShouldBe(new ClinicianWorkload(_clinician, 0, 0, 0));
        (await Workload(other)).ShouldBe(new ClinicianWorkload(other, 0, 1, 1));
    }

    [Fact]
    public async Task a_clinician_no_referral_names_has_no_load()
    {
        await Referral(Proposed(Guid.NewGuid(), Guid.NewGuid()));

        (await Workload(_clinician)).ShouldBe(ClinicianWorkload.None(_clinician));
    }

    [Fact]
    public async Task several_clinicians_are_counted_in_one_read_and_without_ids_every_named_clinician_is()
    {
        var other = Guid.NewGuid();
        var quiet = Guid.NewGuid();
        await Referral(Proposed(Guid.NewGuid(), _clinician));
        await Referral(Proposed(Guid.NewGuid(), _clinician));
        await Referral(Proposed(Guid.NewGuid(), other));

        await using var session = app.Store.QuerySession();
        var now = DateTimeOffset.UtcNow.AddMinutes(1);
        var some = await ClinicianWorkloads.ForAsync(session, [_clinician, other, quiet], now, CancellationToken.None);
        some.Count.ShouldBe(3);
        some[_clinician].OpenProposals.ShouldBe(2);
        some[other].OpenProposals.ShouldBe(1);
        some[quiet].ShouldBe(ClinicianWorkload.None(quiet));

        var all = await ClinicianWorkloads.ForAsync(session, null, now, CancellationToken.None);
        all[_clinician].OpenProposals.ShouldBe(2);
        all[other].OpenProposals.ShouldBe(1);
        all.ShouldNotContainKey(quiet);
    }

    [Fact]
    public void remaining_capacity_never_goes_below_zero() =>
        new ClinicianWorkload(_clinician, 3, 2, 0).RemainingCapacity(4).ShouldBe(0);
}
