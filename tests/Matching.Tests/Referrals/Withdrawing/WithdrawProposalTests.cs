using Matching.Service.Referrals;
using Matching.Service.Referrals.Withdrawing;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.Withdrawing;

public class WithdrawProposalTests
{
    private static readonly WithdrawProposal Command = new("Client found care elsewhere for now.", null);

    [Fact]
    public void open_proposal_is_withdrawn_and_the_referral_awaits_a_match_again()
    {
        var given = Given.Submitted().Triaged().Proposed();
        WithdrawProposalEndpoint.Validate(Command, given.Referral, Given.ProposalA).ShouldBeAllowed();

        var events = WithdrawProposalEndpoint.Decide(given.Referral, Given.ProposalA, Command);

        events.ShouldBe([new ProposalWithdrawn(Given.ProposalA, Given.ClinicianA, Command.Reason!)]);
        var after = given.After(events);
        after.Status.ShouldBe(ReferralStatus.AwaitingMatch);
        after.RematchCount.ShouldBe(1);
        after.ExcludedClinicianIds.ShouldBe([Given.ClinicianA]);
    }

    [Fact]
    public void unknown_proposal_is_not_found() =>
        WithdrawProposalEndpoint.Validate(Command, Given.Submitted().Triaged().Proposed().Referral, Given.ProposalB).ShouldBeNotFound();

    [Fact]
    public void answered_proposal_is_not_withdrawn() =>
        WithdrawProposalEndpoint.Validate(Command, Given.Submitted().Triaged().Proposed().Accepted().Referral, Given.ProposalA)
            .ShouldBeConflict("proposalNotPending");

    [Fact]
    public void reason_is_required() =>
        WithdrawProposalEndpoint.Validate(Command with { Reason = null }, Given.Submitted().Triaged().Proposed().Referral, Given.ProposalA)
            .ShouldBeInvalid("reason");
}
