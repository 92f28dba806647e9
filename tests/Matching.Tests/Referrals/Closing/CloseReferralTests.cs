using Matching.Service.Referrals;
using Matching.Service.Referrals.Closing;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.Closing;

public class CloseReferralTests
{
    private static readonly CloseReferralValidator Validator = new();

    public static TheoryData<ClosureOutcome> Outcomes => new()
    {
        ClosureOutcome.Withdrawn, ClosureOutcome.Unreachable, ClosureOutcome.ReferredOut, ClosureOutcome.Ineligible, ClosureOutcome.Duplicate
    };

    [Theory, MemberData(nameof(Outcomes))]
    public void referral_closes_with_any_coordinator_outcome(ClosureOutcome outcome)
    {
        var given = Given.Submitted().Triaged();
        var command = new CloseReferral(outcome, "Per client call.", null);
        CloseReferralHandler.Validate(command, given.Referral, Validator).ShouldBeAllowed();

        var events = CloseReferralHandler.Decide(given.Referral, command);

        events.ShouldBe([new ReferralClosed(outcome, "Per client call.", null)]);
        var after = given.After(events);
        after.Status.ShouldBe(ReferralStatus.Closed);
        after.Closure!.Outcome.ShouldBe(outcome);
    }

    [Fact]
    public void engaged_is_not_a_coordinator_outcome() =>
        CloseReferralHandler.Validate(new CloseReferral(ClosureOutcome.Engaged, null, null), Given.Submitted().Referral, Validator)
            .ShouldBeInvalid("outcome");

    [Fact]
    public void outcome_is_required() =>
        CloseReferralHandler.Validate(new CloseReferral(null, null, null), Given.Submitted().Referral, Validator)
            .ShouldBeInvalid("outcome");

    [Fact]
    public void closed_referral_is_not_closed_again() =>
        CloseReferralHandler.Validate(
                new CloseReferral(ClosureOutcome.Duplicate, null, null), Given.Submitted().Closed().Referral, Validator)
            .ShouldBeConflict("referralClosed");

    [Fact]
    public void closing_withdraws_the_open_proposal_first()
    {
        var given = Given.Submitted().Triaged().Proposed();
        var events = CloseReferralHandler.Decide(given.Referral, new CloseReferral(ClosureOutcome.Unreachable, null, null));

        events.ShouldBe([
            new ProposalWithdrawn(Given.ProposalA, Given.ClinicianA, "Referral closed", ClosesReferral: true),
            // The proposed clinician never had the client: the closing event names nobody.
            new ReferralClosed(ClosureOutcome.Unreachable, null, null)
        ]);
        var after = given.After(events);
        after.Status.ShouldBe(ReferralStatus.Closed);
        after.Proposals.Single().Status.ShouldBe(ProposalStatus.Withdrawn);
        after.RematchCount.ShouldBe(0);
    }

    [Fact]
    public void closing_cancels_the_booked_session_first()
    {
        var given = Given.Submitted().Triaged().Proposed().Accepted().Booked();
        var events = CloseReferralHandler.Decide(given.Referral, new CloseReferral(ClosureOutcome.Withdrawn, null, null));

        events.ShouldBe([
            new FirstSessionCancelled(Given.SessionA, Given.ClinicianA, CancelledBy.Practice, "Referral closed"),
            new ReferralClosed(ClosureOutcome.Withdrawn, null, Given.ClinicianA)
        ]);
        var after = given.After(events);
        after.Status.ShouldBe(ReferralStatus.Closed);
        after.FirstSession!.Status.ShouldBe(FirstSessionStatus.Cancelled);
    }

    [Fact]
    public void closing_an_accepted_referral_names_its_clinician() =>
        CloseReferralHandler.Decide(Given.Submitted().Triaged().Proposed().Accepted().Referral, new CloseReferral(ClosureOutcome.ReferredOut, null, null))
            .ShouldBe([new ReferralClosed(ClosureOutcome.ReferredOut, null, Given.ClinicianA)]);

    [Fact]
    public void waitlisted_and_untriaged_referrals_can_close()
    {
        CloseReferralHandler.Validate(new CloseReferral(ClosureOutcome.Duplicate, null, null), Given.Submitted().Referral, Validator)
            .ShouldBeAllowed();
        CloseReferralHandler.Validate(
                new CloseReferral(ClosureOutcome.Duplicate, null, null), Given.Submitted().Triaged().Waitlisted().Referral, Validator)
            .ShouldBeAllowed();
    }
}
