using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Matching.Service.Shared;

namespace Matching.Service.Referrals;

/// <summary>Checks shared by the commands that answer or end a proposal.</summary>
public static class ProposalChecks
{
    /// <summary>
    /// 404 unless the proposal exists and is addressed to the clinician answering it: someone else's
    /// proposal looks exactly like an unknown one, so its existence is not disclosed.
    /// </summary>
    public static ProblemDetails RequireAddressedTo(Referral referral, Guid proposalId, Guid? answeredBy) =>
        answeredBy is { } clinicianId
        && referral.Proposals.Any(p => p.Id == proposalId && p.ClinicianId == clinicianId)
            ? Problems.NoProblems
            : Problems.NotFound("proposal");

    /// <summary>409 once the response window has passed: the proposal expires, whether or not its timer has fired yet.</summary>
    public static ProblemDetails RequireNotExpired(Referral referral, Guid proposalId, DateTimeOffset now)
    {
        var proposal = referral.Proposals.Single(p => p.Id == proposalId);
        return proposal.Status == ProposalStatus.Pending && now >= proposal.ExpiresAt
            ? Problems.Conflict($"The proposal expired at {proposal.ExpiresAt:O}; it can no longer be answered.", "proposalExpired")
            : Problems.NoProblems;
    }

    /// <summary>409 unless the proposal still waits for an answer.</summary>
    public static ProblemDetails RequirePending(Referral referral, Guid proposalId, string action)
    {
        var proposal = referral.Proposals.Single(p => p.Id == proposalId);
        return proposal.Status == ProposalStatus.Pending
            ? Problems.NoProblems
            : Problems.Conflict($"Can't {action} a proposal that is {Words.Wire(proposal.Status)}.", "proposalNotPending");
    }
}
