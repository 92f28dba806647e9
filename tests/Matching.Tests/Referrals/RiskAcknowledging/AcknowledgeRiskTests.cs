using Matching.Service.Referrals;
using Matching.Service.Referrals.RiskAcknowledging;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.RiskAcknowledging;

public class AcknowledgeRiskTests
{
    private static readonly AcknowledgeRiskValidator Validator = new();

    private static readonly AcknowledgeRisk Command = new(RiskAction.ContactedClient, "Spoke with the client; safety plan in place.", null);

    [Fact]
    public void urgent_referral_is_acknowledged()
    {
        var given = Given.Submitted(urgent: true);
        AcknowledgeRiskHandler.Validate(Command, given.Referral, Validator).ShouldBeAllowed();

        var events = AcknowledgeRiskHandler.Decide(given.Referral, Command);

        events.ShouldBe([new RiskAcknowledged(RiskAction.ContactedClient, Command.Note!)]);
        var after = given.After(events);
        after.AwaitingRiskAcknowledgement.ShouldBeFalse();
        after.Status.ShouldBe(ReferralStatus.AwaitingTriage);
    }

    [Fact]
    public void referral_not_flagged_has_no_risk_to_acknowledge() =>
        AcknowledgeRiskHandler.Validate(Command, Given.Submitted().Referral, Validator).ShouldBeConflict("notFlagged");

    [Fact]
    public void risk_is_acknowledged_once() =>
        AcknowledgeRiskHandler.Validate(Command, Given.Submitted(urgent: true).RiskAcknowledged().Referral, Validator)
            .ShouldBeConflict("alreadyAcknowledged");

    [Fact]
    public void note_is_required() =>
        AcknowledgeRiskHandler.Validate(Command with { Note = " " }, Given.Submitted(urgent: true).Referral, Validator)
            .ShouldBeInvalid("note");

    [Fact]
    public void action_taken_is_required() =>
        AcknowledgeRiskHandler.Validate(Command with { ActionTaken = null }, Given.Submitted(urgent: true).Referral, Validator)
            .ShouldBeInvalid("actionTaken");

    [Fact]
    public void stale_expected_version_is_refused() =>
        AcknowledgeRiskHandler.Validate(Command with { ExpectedVersion = 1 }, Given.Submitted(urgent: true).Referral, Validator)
            .ShouldBeConflict("staleVersion");
}
