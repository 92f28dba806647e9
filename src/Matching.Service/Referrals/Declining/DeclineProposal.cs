using System.Security.Claims;
using FluentValidation;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.Declining;

/// <summary><see cref="AnsweredBy"/>: the clinician answering, from their token, never from the body.</summary>
public sealed record DeclineProposal(DeclineReason? Reason, string? Note, int? ExpectedVersion) : IReferralCommand, ICommand<ReferralCommandResult>
{
    [NotFromBody] public Guid ReferralId { get; init; }
    [NotFromBody] public Guid ProposalId { get; init; }
    [NotFromBody] public Guid? AnsweredBy { get; init; }
}

public sealed class DeclineProposalValidator : AbstractValidator<DeclineProposal>
{
    public DeclineProposalValidator()
    {
        RuleFor(x => x.Reason).NotNull()
            .WithMessage("Choose noCapacity, notAFit, outOfScope, schedulingConflict, payerMismatch or other.");
        RuleFor(x => x.Note).NotEmpty().When(x => x.Reason == DeclineReason.Other)
            .WithMessage("A note is required when the reason is 'other'.");
        RuleFor(x => x.Note).MaximumLength(4000);
    }
}

public static class DeclineProposalHandler
{
    public static ProblemDetails Validate(DeclineProposal command, Referral? referral, IValidator<DeclineProposal> validator, TimeProvider time) =>
        Problems.FirstOf(
            () => Problems.Check(validator, command),
            () => Lifecycle.Exists(referral),
            () => ProposalChecks.RequireAddressedTo(referral!, command.ProposalId, command.AnsweredBy),
            () => Lifecycle.Stale(referral!, command),
            () => ProposalChecks.RequirePending(referral!, command.ProposalId, "decline"),
            () => ProposalChecks.RequireNotExpired(referral!, command.ProposalId, time.GetUtcNow()));

    public static object[] Decide(Referral referral, DeclineProposal command)
    {
        var proposal = referral.Proposals.Single(p => p.Id == command.ProposalId);
        return [new ProposalDeclined(proposal.Id, proposal.ClinicianId, command.Reason!.Value, command.Note)];
    }

    public static (ReferralCommandResult, Events) Handle(DeclineProposal command, [WriteAggregate(Required = false)] Referral referral) =>
        ReferralCommandResult.With(referral, Decide(referral, command));
}

public static class DeclineProposalEndpoint
{
    [WolverinePost("/api/referrals/{referralId}/proposals/{proposalId}/decline"), Authorize(Policy = Policies.Clinicians)]
    public static Task<HttpAnswer<ReferralCommandResult>> Post(
        Guid referralId, Guid proposalId, DeclineProposal command, ClaimsPrincipal user, IMessageBus bus, CancellationToken cancellation) =>
        bus.AnswerHttpAsync(command with { ReferralId = referralId, ProposalId = proposalId, AnsweredBy = user.ClinicianId() }, cancellation);
}
