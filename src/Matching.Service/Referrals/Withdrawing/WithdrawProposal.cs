using FluentValidation;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.Withdrawing;

public sealed record WithdrawProposal(string? Reason, int? ExpectedVersion) : IReferralCommand;

public sealed class WithdrawProposalValidator : AbstractValidator<WithdrawProposal>
{
    public static readonly WithdrawProposalValidator Instance = new();

    private WithdrawProposalValidator() =>
        RuleFor(x => x.Reason).NotEmpty().WithMessage("Say why the proposal is withdrawn.").MaximumLength(4000).WithMessage("At most 4000 characters.");
}

public static class WithdrawProposalEndpoint
{
    public static ProblemDetails Validate(WithdrawProposal command, Referral referral, Guid proposalId) => Problems.FirstOf(
        () => Problems.Check(WithdrawProposalValidator.Instance, command),
        () => referral.Proposals.Any(p => p.Id == proposalId) ? Problems.NoProblems : Problems.NotFound("proposal"),
        () => Lifecycle.Stale(referral, command),
        () => ProposalChecks.RequirePending(referral, proposalId, "withdraw"));

    public static object[] Decide(Referral referral, Guid proposalId, WithdrawProposal command)
    {
        var proposal = referral.Proposals.Single(p => p.Id == proposalId);
        return [new ProposalWithdrawn(proposal.Id, proposal.ClinicianId, command.Reason!)];
    }

    [WolverinePost("/api/referrals/{referralId}/proposals/{proposalId}/withdraw"), Authorize(Policy = Policies.Coordination)]
    public static (ReferralCommandResult, Events) Post(
        WithdrawProposal command, Guid proposalId, [WriteAggregate("referralId")] Referral referral)
    {
        var events = Decide(referral, proposalId, command);
        return (ReferralCommandResult.After(referral, events, ReferralStatus.AwaitingMatch), new Events(events));
    }
}
