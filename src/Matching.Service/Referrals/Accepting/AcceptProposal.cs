using FluentValidation;
using System.Security.Claims;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.Accepting;

public sealed record AcceptProposal(string? Note, int? ExpectedVersion) : IReferralCommand;

public sealed class AcceptProposalValidator : AbstractValidator<AcceptProposal>
{
    public static readonly AcceptProposalValidator Instance = new();

    private AcceptProposalValidator() => RuleFor(x => x.Note).MaximumLength(4000).WithMessage("At most 4000 characters.");
}

public static class AcceptProposalEndpoint
{
    public static ProblemDetails Validate(AcceptProposal command, Referral referral, Guid proposalId, ClaimsPrincipal user, TimeProvider time) =>
        Problems.FirstOf(
            () => Problems.Check(AcceptProposalValidator.Instance, command),
            () => ProposalChecks.RequireAddressedTo(referral, proposalId, user),
            () => Lifecycle.Stale(referral, command),
            () => ProposalChecks.RequirePending(referral, proposalId, "accept"),
            () => ProposalChecks.RequireNotExpired(referral, proposalId, time.GetUtcNow()));

    public static object[] Decide(Referral referral, Guid proposalId, AcceptProposal command)
    {
        var proposal = referral.Proposals.Single(p => p.Id == proposalId);
        return [new ProposalAccepted(proposal.Id, proposal.ClinicianId, command.Note)];
    }

    [WolverinePost("/api/referrals/{referralId}/proposals/{proposalId}/accept"), Authorize(Policy = Policies.Clinicians)]
    public static (ReferralCommandResult, Events) Post(
        AcceptProposal command, Guid proposalId, [WriteAggregate("referralId")] Referral referral)
    {
        var events = Decide(referral, proposalId, command);
        return (ReferralCommandResult.After(referral, events, ReferralStatus.Accepted), new Events(events));
    }
}
