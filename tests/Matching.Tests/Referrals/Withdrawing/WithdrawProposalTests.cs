using Matching.Service.Referrals;
using Matching.Service.Referrals.Withdrawing;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.Withdrawing;

public class WithdrawProposalTests
{
    private static readonly WithdrawProposalValidator Validator = new();

    private static readonly WithdrawProposal Command = new("Client found care elsewhere for now.", null);

    [Fact]
    public void open_proposal_is_withdrawn_and_the_referral_awaits_a_match_again()
    {
        var given = Given.Submitted().Triaged().Proposed();
        WithdrawProposalHandler.Validate(Command with { ProposalId = Given.ProposalA }, given.Referral, Validator).ShouldBeAllowed();

        var events = WithdrawProposalHandler.Decide(given.Referral, Command with { ProposalId = Given.ProposalA });

        events.ShouldBe([new ProposalWithdrawn(Given.ProposalA, Given.ClinicianA, Command.Reason!)]);
        var after = given.After(events);
        after.Status.ShouldBe(ReferralStatus.AwaitingMatch);
        after.RematchCount.ShouldBe(1);
        after.ExcludedClinicianIds.ShouldBe([Given.ClinicianA]);
    }

    [Fact]
    public void unknown_proposal_is_not_found() =>
        WithdrawProposalHandler.Validate(
                Command with { ProposalId = Given.ProposalB }, Given.Submitted().Triaged().Proposed().Referral, Validator)
            .ShouldBeNotFound();

    [Fact]
    public void answered_proposal_is_not_withdrawn() =>
        WithdrawProposalHandler.Validate(
                Command with { ProposalId = Given.ProposalA }, Given.Submitted().Triaged().Proposed().Accepted().Referral, Validator)
            .ShouldBeConflict("proposalNotPending");

    [Fact]
    public void reason_is_required() =>
        WithdrawProposalHandler.Validate(
                (Command with { Reason = null }) with { ProposalId = Given.ProposalA },
                Given.Submitted().Triaged().Proposed().Referral,
                Validator)
            .ShouldBeInvalid("reason");
}
