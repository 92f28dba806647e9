using FluentValidation;
using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Matching.Service.Notifications;
using Matching.Service.Referrals.Expiring;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.Proposing;

public sealed record ProposeMatch(Guid? ClinicianId, string? Note, string? OverrideReason, int? ExpectedVersion) : IReferralCommand;

/// <summary>201: the proposal made and when it lapses unless the clinician answers.</summary>
public sealed record MatchProposedResult(
    Guid ReferralId, long Version, ReferralStatus Status, Guid ProposalId, DateTimeOffset ExpiresAt)
    : CreatedReferralResult(ReferralId, Version, Status);

public sealed class ProposeMatchValidator : AbstractValidator<ProposeMatch>
{
    public ProposeMatchValidator()
    {
        RuleFor(x => x.ClinicianId).NotNull().NotEqual(Guid.Empty).WithMessage("Choose a clinician.");
        RuleFor(x => x.Note).MaximumLength(4000);
        RuleFor(x => x.OverrideReason).MaximumLength(4000);
    }
}

public static class ProposeMatchEndpoint
{
    private static readonly ProposeMatchValidator Validator = new();

    /// <summary>The clinician named in the body, or null (answered with a 404 by Validate).</summary>
    public static async Task<Clinician?> LoadAsync(ProposeMatch command, IDocumentSession session, CancellationToken token) =>
        command.ClinicianId is { } id && id != Guid.Empty ? await session.LoadAsync<Clinician>(id, token) : null;

    public static ProblemDetails Validate(ProposeMatch command, Referral referral, Clinician? clinician) => Problems.FirstOf(
        () => Problems.Check(Validator, command),
        () => clinician is null ? UnknownClinician(command.ClinicianId!.Value) : null,
        () => Lifecycle.Stale(referral, command),
        () => Lifecycle.RequireRiskAcknowledged(referral, "propose a match for"),
        () => referral.OpenProposal is { } open
            ? Problems.Conflict($"Proposal {open.Id} is still open: withdraw it or wait for the clinician's answer.", "proposalOpen")
            : null,
        () => Lifecycle.RequireStatus(referral, "propose a match for", ReferralStatus.AwaitingMatch, ReferralStatus.Waitlisted),
        // Not even an override brings back someone who already said no (or never answered) for this client.
        () => referral.ExcludedClinicianIds.Contains(command.ClinicianId!.Value)
            ? Problems.Conflict("This clinician declined, let lapse or had withdrawn a proposal for this referral.", "previouslyDeclined")
            : null,
        () => OpenToNewClients(clinician!));

    public static object[] Decide(Referral referral, ProposeMatch command, Guid proposalId, DateTimeOffset now, TimeSpan responseWindow) =>
    [
        new MatchProposed(proposalId, command.ClinicianId!.Value, now + responseWindow, command.Note,
            string.IsNullOrWhiteSpace(command.OverrideReason) ? null : command.OverrideReason, null)
    ];

    [WolverinePost("/api/referrals/{referralId}/proposals"), Authorize(Policy = Policies.Coordination)]
    public static (MatchProposedResult, Events, OutgoingMessages) Post(
        ProposeMatch command, [WriteAggregate("referralId")] Referral referral, TimeProvider time, MatchingOptions options)
    {
        var now = time.GetUtcNow();
        var events = Decide(referral, command, Guid.CreateVersion7(), now, options.ProposalResponseWindow);
        var proposed = (MatchProposed)events[0];
        var result = ReferralCommandResult.After(referral, events, ReferralStatus.Proposed);
        // Both leave through the outbox only if the proposal commits. A delay rather than an instant:
        // Wolverine schedules on its own clock, the expiry handler checks the due time on ours.
        OutgoingMessages messages =
        [
            new ExpireProposal(referral.Id, proposed.ProposalId).DelayedFor(proposed.ExpiresAt - now),
            new NotifyClinicianOfProposal(referral.Id, proposed.ProposalId)
        ];
        return (new MatchProposedResult(result.ReferralId, result.Version, result.Status, proposed.ProposalId, proposed.ExpiresAt),
            new Events(events), messages);
    }

    private static ProblemDetails UnknownClinician(Guid id)
    {
        var problem = Problems.NotFound("clinician");
        problem.Detail = $"No clinician with id {id}.";
        problem.Extensions["clinicianId"] = id;
        return problem;
    }

    private static ProblemDetails? OpenToNewClients(Clinician clinician) =>
        clinician.Offboarded ? Problems.Conflict("This clinician has left the practice.", "clinicianOffboarded")
        : clinician.Paused ? Problems.Conflict("This clinician is paused and takes no proposals.", "clinicianPaused")
        : !clinician.AcceptingNewClients ? Problems.Conflict("This clinician is not accepting new clients.", "notAccepting")
        : null;
}
