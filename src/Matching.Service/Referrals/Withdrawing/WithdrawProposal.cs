using FluentValidation;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.Withdrawing;

public sealed record WithdrawProposal(string? Reason, int? ExpectedVersion) : IReferralCommand, ICommand<ReferralCommandResult>
{
    [NotFromBody] public Guid ReferralId { get; init; }
    [NotFromBody] public Guid ProposalId { get; init; }
}

public sealed class WithdrawProposalValidator : AbstractValidator<WithdrawProposal>
{
    public WithdrawProposalValidator() =>
        RuleFor(x => x.Reason).NotEmpty().WithMessage("Say why the proposal is withdrawn.").MaximumLength(4000).WithMessage("At most 4000 characters.");
}

public static class WithdrawProposalHandler
{
    public static ProblemDetails Validate(WithdrawProposal command, Referral? referral, IValidator<WithdrawProposal> validator) => Problems.FirstOf(
        () => Problems.Check(validator, command),
        () => Lifecycle.Exists(referral),
        () => referral!.Proposals.Any(p => p.Id == command.ProposalId) ? Problems.NoProblems : Problems.NotFound("proposal"),
        () => Lifecycle.Stale(referral!, command),
        () => ProposalChecks.RequirePending(referral!, command.ProposalId, "withdraw"));

    public static object[] Decide(Referral referral, WithdrawProposal command)
    {
        var proposal = referral.Proposals.Single(p => p.Id == command.ProposalId);
        return [new ProposalWithdrawn(proposal.Id, proposal.ClinicianId, command.Reason!)];
    }

    public static (ReferralCommandResult, Events) Handle(WithdrawProposal command, [WriteAggregate(Required = false)] Referral referral) =>
        ReferralCommandResult.With(referral, Decide(referral, command));
}

public static class WithdrawProposalEndpoint
{
    [WolverinePost("/api/referrals/{referralId}/proposals/{proposalId}/withdraw"), Authorize(Policy = Policies.Coordination)]
    public static Task<HttpAnswer<ReferralCommandResult>> Post(
        Guid referralId, Guid proposalId, WithdrawProposal command, IMessageBus bus, CancellationToken cancellation) =>
        bus.AnswerHttpAsync(command with { ReferralId = referralId, ProposalId = proposalId }, cancellation);
}
