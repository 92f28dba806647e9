using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Accepting;
using Matching.Service.Referrals.Declining;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.Accepting;

public class AcceptProposalTests
{
    private static readonly AcceptProposal Command = new("Happy to meet them.", null);

    [Fact]
    public void clinician_accepts_the_proposal_addressed_to_them()
    {
        var given = Given.Submitted().Triaged().Proposed();
        AcceptProposalHandler.Validate(
                Command with { ProposalId = Given.ProposalA, AnsweredBy = Given.ClinicianA },
                given.Referral,
                new AcceptProposalValidator(),
                Given.Clock)
            .ShouldBeAllowed();

        var events = AcceptProposalHandler.Decide(given.Referral, Command with { ProposalId = Given.ProposalA });

        events.ShouldBe([new ProposalAccepted(Given.ProposalA, Given.ClinicianA, Command.Note)]);
        var after = given.After(events);
        after.Status.ShouldBe(ReferralStatus.Accepted);
        after.ClinicianId.ShouldBe(Given.ClinicianA);
    }

    [Fact]
    public void another_clinicians_proposal_looks_unknown() =>
        AcceptProposalHandler.Validate(
                Command with { ProposalId = Given.ProposalA, AnsweredBy = Given.ClinicianB },
                Given.Submitted().Triaged().Proposed().Referral,
                new AcceptProposalValidator(),
                Given.Clock)
            .ShouldBeNotFound();

    [Fact]
    public void unknown_proposal_is_not_found() =>
        AcceptProposalHandler.Validate(
                Command with { ProposalId = Given.ProposalB, AnsweredBy = Given.ClinicianA },
                Given.Submitted().Triaged().Proposed().Referral,
                new AcceptProposalValidator(),
                Given.Clock)
            .ShouldBeNotFound();

    [Theory]
    [InlineData("accepted")]
    [InlineData("declined")]
    [InlineData("withdrawn")]
    [InlineData("expired")]
    public void answered_proposal_is_not_accepted(string ending)
    {
        var proposed = Given.Submitted().Triaged().Proposed();
        var given = ending switch
        {
            "accepted" => proposed.Accepted(),
            "declined" => proposed.Declined(),
            "withdrawn" => proposed.Withdrawn(),
            _ => proposed.Expired()
        };
        AcceptProposalHandler.Validate(
                Command with { ProposalId = Given.ProposalA, AnsweredBy = Given.ClinicianA },
                given.Referral,
                new AcceptProposalValidator(),
                Given.Clock)
            .ShouldBeConflict("proposalNotPending");
    }

    [Fact]
    public void stale_expected_version_is_refused() =>
        AcceptProposalHandler.Validate(
                (Command with { ExpectedVersion = 2 }) with { ProposalId = Given.ProposalA, AnsweredBy = Given.ClinicianA },
                Given.Submitted().Triaged().Proposed().Referral,
                new AcceptProposalValidator(),
                Given.Clock)
            .ShouldBeConflict("staleVersion");
}

public class LateAnswerTests
{
    private static readonly TimeProvider AfterExpiry = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Given.Start.AddDays(3));

    [Fact]
    public void a_proposal_past_its_response_window_cannot_be_accepted() =>
        AcceptProposalHandler.Validate(
                (new AcceptProposal(null, null)) with { ProposalId = Given.ProposalA, AnsweredBy = Given.ClinicianA },
                Given.Submitted().Triaged().Proposed().Referral,
                new AcceptProposalValidator(),
                AfterExpiry)
            .ShouldBeConflict("proposalExpired");

    [Fact]
    public void a_proposal_past_its_response_window_cannot_be_declined() =>
        Matching.Service.Referrals.Declining.DeclineProposalHandler.Validate(
                (new Matching.Service.Referrals.Declining.DeclineProposal(DeclineReason.NoCapacity, null, null)) with { ProposalId = Given.ProposalA, AnsweredBy = Given.ClinicianA },
                Given.Submitted().Triaged().Proposed().Referral,
                new DeclineProposalValidator(),
                AfterExpiry)
            .ShouldBeConflict("proposalExpired");
}
