using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Declining;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.Declining;

public class DeclineProposalTests
{
    private static readonly DeclineProposalValidator Validator = new();

    private static readonly DeclineProposal Command = new(DeclineReason.NoCapacity, null, null);

    [Fact]
    public void decline_sends_the_referral_back_for_a_rematch_and_excludes_the_clinician()
    {
        var given = Given.Submitted().Triaged().Proposed();
        DeclineProposalHandler.Validate(
                Command with { ProposalId = Given.ProposalA, AnsweredBy = Given.ClinicianA }, given.Referral, Validator, Given.Clock)
            .ShouldBeAllowed();

        var events = DeclineProposalHandler.Decide(given.Referral, Command with { ProposalId = Given.ProposalA });

        events.ShouldBe([new ProposalDeclined(Given.ProposalA, Given.ClinicianA, DeclineReason.NoCapacity, null)]);
        var after = given.After(events);
        after.Status.ShouldBe(ReferralStatus.AwaitingMatch);
        after.RematchCount.ShouldBe(1);
        after.ExcludedClinicianIds.ShouldBe([Given.ClinicianA]);
        after.ClinicianId.ShouldBeNull();
    }

    [Fact]
    public void other_needs_a_note() =>
        DeclineProposalHandler.Validate(
                (Command with { Reason = DeclineReason.Other }) with { ProposalId = Given.ProposalA, AnsweredBy = Given.ClinicianA },
                Given.Submitted().Triaged().Proposed().Referral,
                Validator,
                Given.Clock)
            .ShouldBeInvalid("note");

    [Fact]
    public void other_with_a_note_is_allowed() =>
        DeclineProposalHandler.Validate(
                (Command with { Reason = DeclineReason.Other, Note = "On leave next month." }) with { ProposalId = Given.ProposalA, AnsweredBy = Given.ClinicianA },
                Given.Submitted().Triaged().Proposed().Referral,
                Validator,
                Given.Clock)
            .ShouldBeAllowed();

    [Fact]
    public void reason_is_required() =>
        DeclineProposalHandler.Validate(
                (Command with { Reason = null }) with { ProposalId = Given.ProposalA, AnsweredBy = Given.ClinicianA },
                Given.Submitted().Triaged().Proposed().Referral,
                Validator,
                Given.Clock)
            .ShouldBeInvalid("reason");

    [Fact]
    public void another_clinicians_proposal_looks_unknown() =>
        DeclineProposalHandler.Validate(
                Command with { ProposalId = Given.ProposalA, AnsweredBy = Given.ClinicianB },
                Given.Submitted().Triaged().Proposed().Referral,
                Validator,
                Given.Clock)
            .ShouldBeNotFound();

    [Fact]
    public void answered_proposal_is_not_declined() =>
        DeclineProposalHandler.Validate(
                Command with { ProposalId = Given.ProposalA, AnsweredBy = Given.ClinicianA },
                Given.Submitted().Triaged().Proposed().Declined().Referral,
                Validator,
                Given.Clock)
            .ShouldBeConflict("proposalNotPending");
}
