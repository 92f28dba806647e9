using Matching.Service.Referrals;
using Matching.Service.Referrals.Declining;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.Declining;

public class DeclineProposalTests
{
    private static readonly DeclineProposal Command = new(DeclineReason.NoCapacity, null, null);

    [Fact]
    public void decline_sends_the_referral_back_for_a_rematch_and_excludes_the_clinician()
    {
        var given = Given.Submitted().Triaged().Proposed();
        DeclineProposalEndpoint.Validate(Command, given.Referral, Given.ProposalA, Given.ClinicianUser(Given.ClinicianA), Given.Clock).ShouldBeAllowed();

        var events = DeclineProposalEndpoint.Decide(given.Referral, Given.ProposalA, Command);

        events.ShouldBe([new ProposalDeclined(Given.ProposalA, Given.ClinicianA, DeclineReason.NoCapacity, null)]);
        var after = given.After(events);
        after.Status.ShouldBe(ReferralStatus.AwaitingMatch);
        after.RematchCount.ShouldBe(1);
        after.ExcludedClinicianIds.ShouldBe([Given.ClinicianA]);
        after.ClinicianId.ShouldBeNull();
    }

    [Fact]
    public void other_needs_a_note() =>
        DeclineProposalEndpoint.Validate(Command with { Reason = DeclineReason.Other }, Given.Submitted().Triaged().Proposed().Referral,
            Given.ProposalA, Given.ClinicianUser(Given.ClinicianA), Given.Clock).ShouldBeInvalid("note");

    [Fact]
    public void other_with_a_note_is_allowed() =>
        DeclineProposalEndpoint.Validate(Command with { Reason = DeclineReason.Other, Note = "On leave next month." },
            Given.Submitted().Triaged().Proposed().Referral, Given.ProposalA, Given.ClinicianUser(Given.ClinicianA), Given.Clock).ShouldBeAllowed();

    [Fact]
    public void reason_is_required() =>
        DeclineProposalEndpoint.Validate(Command with { Reason = null }, Given.Submitted().Triaged().Proposed().Referral,
            Given.ProposalA, Given.ClinicianUser(Given.ClinicianA), Given.Clock).ShouldBeInvalid("reason");

    [Fact]
    public void another_clinicians_proposal_looks_unknown() =>
        DeclineProposalEndpoint.Validate(Command, Given.Submitted().Triaged().Proposed().Referral, Given.ProposalA,
            Given.ClinicianUser(Given.ClinicianB), Given.Clock).ShouldBeNotFound();

    [Fact]
    public void answered_proposal_is_not_declined() =>
        DeclineProposalEndpoint.Validate(Command, Given.Submitted().Triaged().Proposed().Declined().Referral, Given.ProposalA,
            Given.ClinicianUser(Given.ClinicianA), Given.Clock).ShouldBeConflict("proposalNotPending");
}
