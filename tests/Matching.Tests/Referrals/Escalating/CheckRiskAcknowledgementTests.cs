using Matching.Service.Referrals;
using Matching.Service.Referrals.Escalating;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.Escalating;

public class CheckRiskAcknowledgementTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    private static readonly DateTimeOffset FlaggedAt = Given.Start.AddMinutes(2); // the second event
    private static readonly CheckRiskAcknowledgement Check = new(Given.Submitted().ReferralId);

    [Fact]
    public void unacknowledged_risk_escalates_once_the_window_has_passed()
    {
        var given = Given.Submitted(urgent: true);

        var decision = CheckRiskAcknowledgementHandler.Decide(given.Referral, Check, FlaggedAt + Window, Window);

        decision.Events.ShouldBe(new object[] { new RiskEscalated(FlaggedAt, Window) });
        given.After(decision.Events).Risk!.Escalated.ShouldBeTrue();
    }

    [Fact]
    public void check_delivered_early_appends_nothing_and_looks_again_at_the_deadline()
    {
        var decision = CheckRiskAcknowledgementHandler.Decide(Given.Submitted(urgent: true).Referral, Check, FlaggedAt.AddMinutes(5), Window);

        decision.Events.ShouldBeEmpty();
        decision.LookAgainAt.ShouldBe(FlaggedAt + Window);
    }

    [Fact]
    public void acknowledged_risk_does_not_escalate() =>
        CheckRiskAcknowledgementHandler.Decide(Given.Submitted(urgent: true).RiskAcknowledged().Referral, Check, FlaggedAt.AddHours(1), Window)
            .ShouldBe(TimerDecision.Nothing);

    [Fact]
    public void escalated_risk_does_not_escalate_again()
    {
        var given = Given.Submitted(urgent: true).Then(new RiskEscalated(FlaggedAt, Window));

        CheckRiskAcknowledgementHandler.Decide(given.Referral, Check, FlaggedAt.AddHours(1), Window).ShouldBe(TimerDecision.Nothing);
    }

    [Fact]
    public void referral_without_a_risk_flag_has_nothing_to_escalate() =>
        CheckRiskAcknowledgementHandler.Decide(Given.Submitted().Referral, Check, FlaggedAt.AddHours(1), Window)
            .ShouldBe(TimerDecision.Nothing);

    [Fact]
    public void closed_referral_does_not_escalate()
    {
        var given = Given.Submitted(urgent: true).Then(new ReferralClosed(ClosureOutcome.Duplicate, "Submitted twice."));

        CheckRiskAcknowledgementHandler.Decide(given.Referral, Check, FlaggedAt.AddHours(1), Window).ShouldBe(TimerDecision.Nothing);
    }
}
