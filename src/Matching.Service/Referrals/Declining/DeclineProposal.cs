using System.Security.Claims;
using FluentValidation;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.Declining;

public sealed record DeclineProposal(DeclineReason? Reason, string? Note, int? ExpectedVersion) : IReferralCommand;

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

public static class DeclineProposalEndpoint
{
    private static readonly DeclineProposalValidator Validator = new();

    public static ProblemDetails Validate(DeclineProposal command, Referral referral, Guid proposalId, ClaimsPrincipal user, TimeProvider time) =>
        Problems.FirstOf(
            () => Problems.Check(Validator, command),
            () => ProposalChecks.RequireAddressedTo(referral, proposalId, user),
            () => Lifecycle.Stale(referral, command),
            () => ProposalChecks.RequirePending(referral, proposalId, "decline"),
            () => ProposalChecks.RequireNotExpired(referral, proposalId, time.GetUtcNow()));

    public static object[] Decide(Referral referral, Guid proposalId, DeclineProposal command)
    {
        var proposal = referral.Proposals.Single(p => p.Id == proposalId);
        return [new ProposalDeclined(proposal.Id, proposal.ClinicianId, command.Reason!.Value, command.Note)];
    }

    [WolverinePost("/api/referrals/{referralId}/proposals/{proposalId}/decline"), Authorize(Policy = Policies.Clinicians)]
    public static (ReferralCommandResult, Events) Post(
        DeclineProposal command, Guid proposalId, [WriteAggregate("referralId")] Referral referral)
    {
        var events = Decide(referral, proposalId, command);
        return (ReferralCommandResult.After(referral, events, ReferralStatus.AwaitingMatch), new Events(events));
    }
}
