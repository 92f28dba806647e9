using JasperFx.Events;
using Matching.Service.Referrals;
using Matching.Service.Shared;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals;

/// <summary>The status after each event is defined once, by the referral; everything else reads it from there.</summary>
public class ReferralTransitionsTests
{
    private static readonly Guid Someone = Guid.NewGuid();

    public static TheoryData<object, ReferralStatus?> Transitions => new()
    {
        { new ReferralTriaged(TriagePriority.Routine, null), ReferralStatus.AwaitingMatch },
        { new MatchProposed(Someone, Someone, DateTimeOffset.UnixEpoch, null, null, null), ReferralStatus.Proposed },
        { new ProposalAccepted(Someone, Someone, null), ReferralStatus.Accepted },
        { new ProposalDeclined(Someone, Someone, DeclineReason.NotAFit, null), ReferralStatus.AwaitingMatch },
        { new ProposalExpired(Someone, Someone), ReferralStatus.AwaitingMatch },
        { new ProposalWithdrawn(Someone, Someone, "Client moved."), ReferralStatus.AwaitingMatch },
        { new ProposalWithdrawn(Someone, Someone, "Referral closed", ClosesReferral: true), null },
        { new FirstSessionBooked(Someone, Someone, DateTimeOffset.UnixEpoch, 50, SessionFormat.Telehealth), ReferralStatus.Booked },
        { new FirstSessionCancelled(Someone, Someone, CancelledBy.Client, "Ill."), ReferralStatus.Accepted },
        { new FirstSessionMissed(Someone, Someone, null), ReferralStatus.Accepted },
        { new FirstSessionAttended(Someone, Someone, null), ReferralStatus.Closed },
        { new ReferralWaitlisted("No openings."), ReferralStatus.Waitlisted },
        { new ReferralClosed(ClosureOutcome.Withdrawn, null, null), ReferralStatus.Closed },
        { new ContactAttempted(ContactChannel.Phone, ContactOutcome.Reached, null), null },
        { new RiskAcknowledged(RiskAction.ContactedClient, "Called."), null }
    };

    [Theory, MemberData(nameof(Transitions))]
    public void each_event_moves_the_referral_as_the_lifecycle_says(object @event, ReferralStatus? status) =>
        Referral.StatusAfter(@event).ShouldBe(status);

    [Fact]
    public void a_proposal_ending_without_acceptance_counts_a_rematch_unless_the_referral_is_closing()
    {
        Referral.IsRematch(new ProposalDeclined(Someone, Someone, DeclineReason.NotAFit, null)).ShouldBeTrue();
        Referral.IsRematch(new ProposalWithdrawn(Someone, Someone, "Referral closed", ClosesReferral: true)).ShouldBeFalse();
        Referral.IsRematch(new ProposalAccepted(Someone, Someone, null)).ShouldBeFalse();
    }

    [Fact]
    public void fold_gives_a_history_into_the_state_the_snapshot_holds()
    {
        var given = Given.Submitted(urgent: true).RiskAcknowledged().Triaged().Proposed().Declined()
            .Proposed(Given.ClinicianB, Given.ProposalB).Accepted(Given.ProposalB).Booked().Missed()
            .Then(new ContactAttempted(ContactChannel.Phone, ContactOutcome.Reached, null)).Booked(Guid.NewGuid()).Attended();

        Referral? state = null;
        foreach (var data in given.Events)
        {
            var e = (IEvent)Activator.CreateInstance(typeof(Event<>).MakeGenericType(data.GetType()), data)!;
            e.StreamId = given.ReferralId;
            state = Referral.Fold(state, e);
        }

        var expected = given.Referral;
        (state!.Status, state.RematchCount, state.Version, state.Proposals.Count, state.FirstSession!.Status, state.Closure!.Outcome)
            .ShouldBe((expected.Status, expected.RematchCount, expected.Version, expected.Proposals.Count, expected.FirstSession!.Status,
                expected.Closure!.Outcome));
        state.Status.ShouldBe(ReferralStatus.Closed);
        state.RematchCount.ShouldBe(1);
    }
}
