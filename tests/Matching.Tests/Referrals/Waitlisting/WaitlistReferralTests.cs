using Matching.Service.Referrals;
using Matching.Service.Referrals.Waitlisting;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.Waitlisting;

public class WaitlistReferralTests
{
    private static readonly WaitlistReferralValidator Validator = new();

    private static readonly WaitlistReferral Command = new("No openings for evenings this month.", null);

    [Fact]
    public void an_untriaged_referral_is_triaged_before_it_waits() =>
        WaitlistReferralHandler.Validate(Command, Given.Submitted().Referral, Validator).ShouldBeConflict("invalidTransition");

    [Fact]
    public void waitlists_a_triaged_referral_before_a_match()
    {
        var given = Given.Submitted().Triaged();
        WaitlistReferralHandler.Validate(Command, given.Referral, Validator).ShouldBeAllowed();

        var events = WaitlistReferralHandler.Decide(given.Referral, Command);

        events.ShouldBe([new ReferralWaitlisted(Command.Reason!)]);
        given.After(events).Status.ShouldBe(ReferralStatus.Waitlisted);
    }

    [Fact]
    public void urgent_referral_waits_for_risk_acknowledgement() =>
        WaitlistReferralHandler.Validate(Command, Given.Submitted(urgent: true).Referral, Validator)
            .ShouldBeConflict("riskNotAcknowledged");

    [Fact]
    public void acknowledged_urgent_referral_can_wait() =>
        WaitlistReferralHandler.Validate(Command, Given.Submitted(urgent: true).RiskAcknowledged().Triaged().Referral, Validator)
            .ShouldBeAllowed();

    [Fact]
    public void proposed_referral_is_not_waitlisted() =>
        WaitlistReferralHandler.Validate(Command, Given.Submitted().Triaged().Proposed().Referral, Validator)
            .ShouldBeConflict("invalidTransition");

    [Fact]
    public void waitlisted_referral_is_not_waitlisted_again() =>
        WaitlistReferralHandler.Validate(Command, Given.Submitted().Triaged().Waitlisted().Referral, Validator)
            .ShouldBeConflict("invalidTransition");

    [Fact]
    public void closed_referral_is_not_waitlisted() =>
        WaitlistReferralHandler.Validate(Command, Given.Submitted().Closed().Referral, Validator).ShouldBeConflict("invalidTransition");

    [Fact]
    public void reason_is_required() =>
        WaitlistReferralHandler.Validate(Command with { Reason = "" }, Given.Submitted().Referral, Validator).ShouldBeInvalid("reason");
}
