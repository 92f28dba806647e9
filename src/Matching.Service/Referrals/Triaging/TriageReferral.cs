using FluentValidation;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.Triaging;

public sealed record TriageReferral(TriagePriority? Priority, string? Note, int? ExpectedVersion)
    : IReferralCommand, ICommand<ReferralCommandResult>
{
    [NotFromBody] public Guid ReferralId { get; init; }
}

public sealed class TriageReferralValidator : AbstractValidator<TriageReferral>
{
    public TriageReferralValidator()
    {
        RuleFor(x => x.Priority).NotNull().WithMessage("Choose routine or urgent.");
        RuleFor(x => x.Note).MaximumLength(4000).WithMessage("At most 4000 characters.");
    }
}

/// <summary>The one handler of the command, whoever sends it (the route below, the referral page).</summary>
public static class TriageReferralHandler
{
    public static ProblemDetails Validate(TriageReferral command, Referral? referral, IValidator<TriageReferral> validator) => Problems.FirstOf(
        () => Problems.Check(validator, command),
        () => Lifecycle.Exists(referral),
        () => Lifecycle.Stale(referral!, command),
        () => Allowed(referral!));

    /// <summary>Whether the referral's state allows the command at all, whatever its input: the page offers the action only then.</summary>
    public static ProblemDetails Allowed(Referral referral) => Problems.FirstOf(
        () => Lifecycle.RequireStatus(referral, "triage", ReferralStatus.AwaitingTriage),
        () => Lifecycle.RequireRiskAcknowledged(referral, "triage"));

    public static object[] Decide(Referral referral, TriageReferral command) =>
        [new ReferralTriaged(command.Priority!.Value, command.Note)];

    public static (ReferralCommandResult, Events) Handle(TriageReferral command, [WriteAggregate(Required = false)] Referral referral) =>
        ReferralCommandResult.With(referral, Decide(referral, command));
}

public static class TriageReferralEndpoint
{
    [WolverinePost("/api/referrals/{referralId}/triage"), Authorize(Policy = Policies.Coordination)]
    public static Task<HttpAnswer<ReferralCommandResult>> Post(Guid referralId, TriageReferral command, IMessageBus bus, CancellationToken cancellation) =>
        bus.AnswerHttpAsync(command with { ReferralId = referralId }, cancellation);
}
