using Matching.Service.Referrals;
using Matching.Service.Referrals.RiskAcknowledging;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.RiskAcknowledging;

public class AcknowledgeRiskTests
{
    private static readonly AcknowledgeRisk Command = new(RiskAction.ContactedClient, "Spoke with the client; safety plan in place.", null);

    [Fact]
    public void urgent_referral_is_acknowledged()
    {
        var given = Given.Submitted(urgent: true);
        AcknowledgeRiskEndpoint.Validate(Command, given.Referral).ShouldBeAllowed();

        var events = AcknowledgeRiskEndpoint.Decide(given.Referral, Command);

        events.ShouldBe([new RiskAcknowledged(RiskAction.ContactedClient, Command.Note!)]);
        var after = given.After(events);
        after.AwaitingRiskAcknowledgement.ShouldBeFalse();
        after.Status.ShouldBe(ReferralStatus.AwaitingTriage);
    }

    [Fact]
    public void referral_not_flagged_has_no_risk_to_acknowledge() =>
        AcknowledgeRiskEndpoint.Validate(Command, Given.Submitted().Referral).ShouldBeConflict("notFlagged");

    [Fact]
    public void risk_is_acknowledged_once() =>
        AcknowledgeRiskEndpoint.Validate(Command, Given.Submitted(urgent: true).RiskAcknowledged().Referral)
            .ShouldBeConflict("alreadyAcknowledged");

    [Fact]
    public void note_is_required() =>
        AcknowledgeRiskEndpoint.Validate(Command with { Note = " " }, Given.Submitted(urgent: true).Referral).ShouldBeInvalid("note");

    [Fact]
    public void action_taken_is_required() =>
        AcknowledgeRiskEndpoint.Validate(Command with { ActionTaken = null }, Given.Submitted(urgent: true).Referral)
            .ShouldBeInvalid("actionTaken");

    [Fact]
    public void stale_expected_version_is_refused() =>
        AcknowledgeRiskEndpoint.Validate(Command with { ExpectedVersion = 1 }, Given.Submitted(urgent: true).Referral)
            .ShouldBeConflict("staleVersion");
}
