using FluentValidation;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.RiskAcknowledging;

public sealed record AcknowledgeRisk(RiskAction? ActionTaken, string? Note, int? ExpectedVersion) : IReferralCommand;

public sealed class AcknowledgeRiskValidator : AbstractValidator<AcknowledgeRisk>
{
    public AcknowledgeRiskValidator()
    {
        RuleFor(x => x.ActionTaken).NotNull().WithMessage("Say what was done about the risk.");
        RuleFor(x => x.Note).NotEmpty().WithMessage("Describe what was done.").MaximumLength(4000);
    }
}

public static class AcknowledgeRiskEndpoint
{
    private static readonly AcknowledgeRiskValidator Validator = new();

    public static ProblemDetails Validate(AcknowledgeRisk command, Referral referral) => Problems.FirstOf(
        () => Problems.Check(Validator, command),
        () => Lifecycle.Stale(referral, command),
        () => Lifecycle.RequireOpen(referral, "acknowledge the risk of"),
        () => referral.Risk is null
            ? Problems.Conflict("This referral was not flagged by its safety answer; there is no risk to acknowledge.", "notFlagged")
            : Problems.NoProblems,
        () => referral.Risk is { Acknowledged: true }
            ? Problems.Conflict("The risk has already been acknowledged.", "alreadyAcknowledged")
            : Problems.NoProblems);

    public static object[] Decide(Referral referral, AcknowledgeRisk command) =>
        [new RiskAcknowledged(command.ActionTaken!.Value, command.Note!)];

    [WolverinePost("/api/referrals/{referralId}/risk-acknowledgement"), Authorize(Policy = Policies.Coordination)]
    public static (ReferralCommandResult, Events) Post(AcknowledgeRisk command, [WriteAggregate("referralId")] Referral referral)
    {
        var events = Decide(referral, command);
        return (ReferralCommandResult.After(referral, events, referral.Status), new Events(events));
    }
}
