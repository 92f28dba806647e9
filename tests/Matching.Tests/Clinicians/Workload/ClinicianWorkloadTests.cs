using JasperFx.Events;
using Matching.Service.Clinicians.Workload;
using Matching.Service.Referrals;

namespace Matching.Tests.Clinicians.Workload;

public class ClinicianWorkloadTests
{
    private static readonly Guid Clinician = Guid.NewGuid();
    private static readonly DateTimeOffset Start = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);
    private readonly ClinicianWorkloadProjection _projection = new();

    private static IEvent<T> On<T>(Guid referralId, T data, DateTimeOffset? at = null) where T : notnull =>
        new Event<T>(data) { StreamId = referralId, Timestamp = at ?? Start };

    private ClinicianWorkload Given(params IEvent[] events) =>
        events.Aggregate(new ClinicianWorkload(), (view, e) => e switch
        {
            IEvent<MatchProposed> x => _projection.Apply(x, view),
            IEvent<ProposalAccepted> x => _projection.Apply(x, view),
            IEvent<ProposalDeclined> x => _projection.Apply(x, view),
            IEvent<ProposalExpired> x => _projection.Apply(x, view),
            IEvent<ProposalWithdrawn> x => _projection.Apply(x, view),
            IEvent<ReferralClosed> x => _projection.Apply(x, view),
            _ => throw new ArgumentException(e.EventTypeName)
        });

    private static IEvent Proposed(Guid referralId, Guid proposalId) =>
        On(referralId, new MatchProposed(proposalId, Clinician, Start.AddHours(72), null, null, null));

    private static IEvent Accepted(Guid referralId, Guid proposalId, DateTimeOffset? at = null) =>
        On(referralId, new ProposalAccepted(proposalId, Clinician, null), at);

    [Fact]
    public void a_proposal_is_open_until_answered()
    {
        var (referral, proposal) = (Guid.NewGuid(), Guid.NewGuid());
        var view = Given(Proposed(referral, proposal));

        view.Id.ShouldBe(Clinician);
        view.OpenProposals.ShouldBe(1);
        view.ActiveClients.ShouldBe(0);
        view.RemainingCapacity(25).ShouldBe(24);
    }

    [Fact]
    public void an_accepted_proposal_becomes_an_active_client_and_a_new_client_this_week()
    {
        var (referral, proposal) = (Guid.NewGuid(), Guid.NewGuid());
        var view = Given(Proposed(referral, proposal), Accepted(referral, proposal, Start.AddHours(5)));

        view.OpenProposals.ShouldBe(0);
        view.ActiveClients.ShouldBe(1);
        view.NewClientsInWeekBefore(Start.AddDays(1)).ShouldBe(1);
        view.NewClientsInWeekBefore(Start.AddDays(8)).ShouldBe(0);
    }

    [Fact]
    public void declined_expired_and_withdrawn_proposals_close_without_a_client()
    {
        var (r1, r2, r3) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var (p1, p2, p3) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var view = Given(
            Proposed(r1, p1), Proposed(r2, p2), Proposed(r3, p3),
            On(r1, new ProposalDeclined(p1, Clinician, DeclineReason.NoCapacity, null)),
            On(r2, new ProposalExpired(p2, Clinician)),
            On(r3, new ProposalWithdrawn(p3, Clinician, "Client chose another practice")));

        view.OpenProposals.ShouldBe(0);
        view.ActiveClients.ShouldBe(0);
    }

    [Fact]
    public void a_referral_closed_short_of_engagement_frees_the_place()
    {
        var (referral, proposal) = (Guid.NewGuid(), Guid.NewGuid());
        var view = Given(Proposed(referral, proposal), Accepted(referral, proposal),
            On(referral, new ReferralClosed(ClosureOutcome.Unreachable, null, Clinician)));

        view.ActiveClients.ShouldBe(0);
        view.RemainingCapacity(25).ShouldBe(25);
    }

    [Fact]
    public void a_referral_closed_while_proposed_ends_the_open_proposal()
    {
        var (referral, proposal) = (Guid.NewGuid(), Guid.NewGuid());
        var view = Given(Proposed(referral, proposal), On(referral, new ReferralClosed(ClosureOutcome.Withdrawn, null, Clinician)));

        view.OpenProposals.ShouldBe(0);
        view.ActiveClients.ShouldBe(0);
    }

    [Fact]
    public void an_engaged_client_stays_active()
    {
        var (referral, proposal) = (Guid.NewGuid(), Guid.NewGuid());
        var view = Given(Proposed(referral, proposal), Accepted(referral, proposal),
            On(referral, new ReferralClosed(ClosureOutcome.Engaged, null, Clinician)));

        view.ActiveClients.ShouldBe(1);
    }

    [Fact]
    public void repeated_events_count_once()
    {
        var (referral, proposal) = (Guid.NewGuid(), Guid.NewGuid());
        var view = Given(Proposed(referral, proposal), Proposed(referral, proposal),
            Accepted(referral, proposal), Accepted(referral, proposal));

        view.OpenProposals.ShouldBe(0);
        view.ActiveClients.ShouldBe(1);
        view.RecentAcceptances.Count.ShouldBe(1);

        var closed = On(referral, new ReferralClosed(ClosureOutcome.Duplicate, null, Clinician));
        Given(Proposed(referral, proposal), Accepted(referral, proposal), closed, closed).ActiveClients.ShouldBe(0);
    }

    [Fact]
    public void acceptances_older_than_a_week_are_let_go()
    {
        var (r1, r2) = (Guid.NewGuid(), Guid.NewGuid());
        var view = Given(
            Proposed(r1, Guid.NewGuid()), Accepted(r1, Guid.NewGuid(), Start),
            Proposed(r2, Guid.NewGuid()), Accepted(r2, Guid.NewGuid(), Start.AddDays(10)));

        view.RecentAcceptances.ShouldHaveSingleItem().ReferralId.ShouldBe(r2);
        view.ActiveClients.ShouldBe(2);
    }

    [Fact]
    public void remaining_capacity_never_goes_below_zero()
    {
        var (referral, proposal) = (Guid.NewGuid(), Guid.NewGuid());
        Given(Proposed(referral, proposal)).RemainingCapacity(0).ShouldBe(0);
    }
}
