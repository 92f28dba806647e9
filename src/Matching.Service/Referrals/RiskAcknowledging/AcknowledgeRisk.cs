using FluentValidation;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.RiskAcknowledging;

public sealed record AcknowledgeRisk(RiskAction? ActionTaken, string? Note, int? ExpectedVersion)
    : IReferralCommand, ICommand<ReferralCommandResult>
{
    [NotFromBody] public Guid ReferralId { get; init; }
}

public sealed class AcknowledgeRiskValidator : AbstractValidator<AcknowledgeRisk>
{
    public AcknowledgeRiskValidator()
    {
        RuleFor(x => x.ActionTaken).NotNull().WithMessage("Say what was done about the risk.");
        RuleFor(x => x.Note).NotEmpty().WithMessage("Describe what was done.").MaximumLength(4000);
    }
}

public static class AcknowledgeRiskHandler
{
    public static ProblemDetails Validate(AcknowledgeRisk command, Referral? referral, IValidator<AcknowledgeRisk> validator) => Problems.FirstOf(
        () => Problems.Check(validator, command),
        () => Lifecycle.Exists(referral),
        () => Lifecycle.Stale(referral!, command),
        () => Allowed(referral!));

    /// <summary>Whether the referral's state allows the command at all, whatever its input: the page offers the action only then.</summary>
    public static ProblemDetails Allowed(Referral referral) => Problems.FirstOf(
        () => Lifecycle.RequireOpen(referral, "acknowledge the risk of"),
        () => referral.Risk is null
            ? Problems.Conflict("This referral was not flagged by its safety answer; there is no risk to acknowledge.", "notFlagged")
            : Problems.NoProblems,
        () => referral.Risk is { Acknowledged: true }
            ? Problems.Conflict("The risk has already been acknowledged.", "alreadyAcknowledged")
            : Problems.NoProblems);

    public static object[] Decide(Referral referral, AcknowledgeRisk command) =>
        [new RiskAcknowledged(command.ActionTaken!.Value, command.Note!)];

    public static (ReferralCommandResult, Events) Handle(AcknowledgeRisk command, [WriteAggregate(Required = false)] Referral referral) =>
        ReferralCommandResult.With(referral, Decide(referral, command));
}

public static class AcknowledgeRiskEndpoint
{
    [WolverinePost("/api/referrals/{referralId}/risk-acknowledgement"), Authorize(Policy = Policies.Coordination)]
    public static Task<HttpAnswer<ReferralCommandResult>> Post(Guid referralId, AcknowledgeRisk command, IMessageBus bus, CancellationToken cancellation) =>
        bus.AnswerHttpAsync(command with { ReferralId = referralId }, cancellation);
}
