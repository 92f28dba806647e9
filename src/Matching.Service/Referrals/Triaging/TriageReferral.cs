using FluentValidation;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.Triaging;

public sealed record TriageReferral(TriagePriority? Priority, string? Note, int? ExpectedVersion) : IReferralCommand;

public sealed class TriageReferralValidator : AbstractValidator<TriageReferral>
{
    public static readonly TriageReferralValidator Instance = new();

    private TriageReferralValidator()
    {
        RuleFor(x => x.Priority).NotNull().WithMessage("Choose routine or urgent.");
        RuleFor(x => x.Note).MaximumLength(4000).WithMessage("At most 4000 characters.");
    }
}

public static class TriageReferralEndpoint
{
    public static ProblemDetails Validate(TriageReferral command, Referral referral) => Problems.FirstOf(
        () => Problems.Check(TriageReferralValidator.Instance, command),
        () => Lifecycle.Stale(referral, command),
        () => Lifecycle.RequireStatus(referral, "triage", ReferralStatus.AwaitingTriage),
        () => Lifecycle.RequireRiskAcknowledged(referral, "triage"));

    public static object[] Decide(Referral referral, TriageReferral command) =>
        [new ReferralTriaged(command.Priority!.Value, command.Note)];

    [WolverinePost("/api/referrals/{referralId}/triage"), Authorize(Policy = Policies.Coordination)]
    public static (ReferralCommandResult, Events) Post(TriageReferral command, [WriteAggregate("referralId")] Referral referral)
    {
        var events = Decide(referral, command);
        return (ReferralCommandResult.After(referral, events, ReferralStatus.AwaitingMatch), new Events(events));
    }
}
