using System.Security.Claims;
using FluentValidation;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.Accepting;

/// <summary><see cref="AnsweredBy"/>: the clinician answering, from their token, never from the body.</summary>
public sealed record AcceptProposal(string? Note, int? ExpectedVersion) : IReferralCommand, ICommand<ReferralCommandResult>
{
    [NotFromBody] public Guid ReferralId { get; init; }
    [NotFromBody] public Guid ProposalId { get; init; }
    [NotFromBody] public Guid? AnsweredBy { get; init; }
}

public sealed class AcceptProposalValidator : AbstractValidator<AcceptProposal>
{
    public AcceptProposalValidator() => RuleFor(x => x.Note).MaximumLength(4000).WithMessage("At most 4000 characters.");
}

public static class AcceptProposalHandler
{
    public static ProblemDetails Validate(AcceptProposal command, Referral? referral, IValidator<AcceptProposal> validator, TimeProvider time) =>
        Problems.FirstOf(
            () => Problems.Check(validator, command),
            () => Lifecycle.Exists(referral),
            () => ProposalChecks.RequireAddressedTo(referral!, command.ProposalId, command.AnsweredBy),
            () => Lifecycle.Stale(referral!, command),
            () => ProposalChecks.RequirePending(referral!, command.ProposalId, "accept"),
            () => ProposalChecks.RequireNotExpired(referral!, command.ProposalId, time.GetUtcNow()));

    public static object[] Decide(Referral referral, AcceptProposal command)
    {
        var proposal = referral.Proposals.Single(p => p.Id == command.ProposalId);
        return [new ProposalAccepted(proposal.Id, proposal.ClinicianId, command.Note)];
    }

    public static (ReferralCommandResult, Events) Handle(AcceptProposal command, [WriteAggregate(Required = false)] Referral referral) =>
        ReferralCommandResult.With(referral, Decide(referral, command));
}

public static class AcceptProposalEndpoint
{
    [WolverinePost("/api/referrals/{referralId}/proposals/{proposalId}/accept"), Authorize(Policy = Policies.Clinicians)]
    public static Task<HttpAnswer<ReferralCommandResult>> Post(
        Guid referralId, Guid proposalId, AcceptProposal command, ClaimsPrincipal user, IMessageBus bus, CancellationToken cancellation) =>
        bus.AnswerHttpAsync(command with { ReferralId = referralId, ProposalId = proposalId, AnsweredBy = user.ClinicianId() }, cancellation);
}
