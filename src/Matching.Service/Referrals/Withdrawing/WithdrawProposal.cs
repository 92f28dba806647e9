using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.Withdrawing;

public sealed record WithdrawProposal(string? Reason, int? ExpectedVersion) : IReferralCommand;

public static class WithdrawProposalEndpoint
{
    public static ProblemDetails Validate(WithdrawProposal command, Referral referral, Guid proposalId) => Problems.FirstOf(
        () => string.IsNullOrWhiteSpace(command.Reason) ? Problems.Invalid("reason", "Say why the proposal is withdrawn.") : null,
        () => command.Reason is { Length: > 4000 } ? Problems.Invalid("reason", "At most 4000 characters.") : null,
        () => referral.Proposals.Any(p => p.Id == proposalId) ? null : Problems.NotFound("proposal"),
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
