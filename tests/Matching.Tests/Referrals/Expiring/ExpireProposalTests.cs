using Matching.Service.Referrals;
using Matching.Service.Referrals.Expiring;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.Expiring;

public class ExpireProposalTests
{
    private static readonly DateTimeOffset ExpiresAt = Given.Start.AddDays(3); // Given.Proposed's window
    private static readonly ExpireProposal Timer = new(Given.Submitted().ReferralId, Given.ProposalA);

    [Fact]
    public void open_proposal_expires_when_its_window_has_passed()
    {
        var given = Given.Submitted().Triaged().Proposed();

        var decision = ExpireProposalHandler.Decide(given.Referral, Timer, ExpiresAt.AddSeconds(1));

        decision.Events.ShouldBe(new object[] { new ProposalExpired(Given.ProposalA, Given.ClinicianA) });
        var after = given.After(decision.Events);
        after.Status.ShouldBe(ReferralStatus.AwaitingMatch);
        after.RematchCount.ShouldBe(1);
        after.ExcludedClinicianIds.ShouldContain(Given.ClinicianA);
    }

    [Fact]
    public void timer_delivered_early_appends_nothing_and_looks_again_at_the_deadline()
    {
        var decision = ExpireProposalHandler.Decide(Given.Submitted().Triaged().Proposed().Referral, Timer, ExpiresAt.AddMinutes(-1));

        decision.Events.ShouldBeEmpty();
        decision.LookAgainAt.ShouldBe(ExpiresAt);
    }

    [Theory]
    [InlineData("accepted")]
    [InlineData("declined")]
    [InlineData("withdrawn")]
    [InlineData("expired")]
    public void answered_or_ended_proposal_does_not_expire(string ending)
    {
        var proposed = Given.Submitted().Triaged().Proposed();
        var given = ending switch
        {
            "accepted" => proposed.Accepted(),
            "declined" => proposed.Declined(),
            "withdrawn" => proposed.Withdrawn(),
            _ => proposed.Expired()
        };

        var decision = ExpireProposalHandler.Decide(given.Referral, Timer, ExpiresAt.AddDays(1));

        decision.ShouldBe(TimerDecision.Nothing);
    }

    [Fact]
    public void timer_of_an_earlier_proposal_leaves_the_current_one_alone()
    {
        var given = Given.Submitted().Triaged().Proposed().Declined().Proposed(Given.ClinicianB, Given.ProposalB);

        ExpireProposalHandler.Decide(given.Referral, Timer, ExpiresAt.AddDays(1)).Events.ShouldBeEmpty();
    }
}
