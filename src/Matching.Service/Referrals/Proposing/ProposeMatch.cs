using FluentValidation;
using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Clinicians.Workload;
using Matching.Service.Infrastructure;
using Matching.Service.Matching;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Matching.Service.Notifications;
using Matching.Service.Referrals.Expiring;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.Proposing;

public sealed record ProposeMatch(Guid? ClinicianId, string? Note, string? OverrideReason, int? ExpectedVersion)
    : IReferralCommand, ICommand<MatchProposedResult>
{
    [NotFromBody] public Guid ReferralId { get; init; }
}

/// <summary>The clinician a proposal names, with the load their referrals give them, read under their capacity lock.</summary>
public sealed record ProposalTarget(Clinician Clinician, ClinicianWorkload Workload);

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

public static class ProposeMatchHandler
{
    /// <summary>
    /// The clinician named in the body with their load, or null (answered with a 404 by Validate).
    /// The clinician's capacity lock is taken first, in this command's transaction, so a concurrent
    /// proposal to the same clinician waits here and then reads the load the first one left.
    /// </summary>
    public static async Task<ProposalTarget?> LoadAsync(
        ProposeMatch command, IDocumentSession session, TimeProvider time, CancellationToken token)
    {
        if (command.ClinicianId is not { } id || id == Guid.Empty) return null;
        await ClinicianCapacityLock.AcquireAsync(session, id, token);
        var clinician = await session.LoadAsync<Clinician>(id, token);
        return clinician is null ? null : new ProposalTarget(clinician, await ClinicianWorkloads.ForAsync(session, id, time.GetUtcNow(), token));
    }

    public static ProblemDetails Validate(
        ProposeMatch command, Referral? referral, ProposalTarget? target, IValidator<ProposeMatch> validator) => Problems.FirstOf(
        () => Problems.Check(validator, command),
        () => Lifecycle.Exists(referral),
        () => target is null ? UnknownClinician(command.ClinicianId!.Value) : Problems.NoProblems,
        () => Lifecycle.Stale(referral!, command),
        () => Lifecycle.RequireRiskAcknowledged(referral!, "propose a match for"),
        () => referral!.OpenProposal is { } open
            ? Problems.Conflict($"Proposal {open.Id} is still open: withdraw it or wait for the clinician's answer.", "proposalOpen")
            : Problems.NoProblems,
        () => Lifecycle.RequireStatus(referral!, "propose a match for", ReferralStatus.AwaitingMatch, ReferralStatus.Waitlisted),
        // Not even an override brings back someone who already said no (or never answered) for this client.
        () => referral!.ExcludedClinicianIds.Contains(command.ClinicianId!.Value)
            ? Problems.Conflict("This clinician declined, let lapse or had withdrawn a proposal for this referral.", "previouslyDeclined")
            : Problems.NoProblems,
        () => OpenToNewClients(target!.Clinician),
        () => FailedFilters(referral!, target!) is { Count: > 0 } failed && string.IsNullOrWhiteSpace(command.OverrideReason)
            ? ExcludedByFilters(failed)
            : Problems.NoProblems);

    /// <summary>
    /// The matching filters the clinician fails for this client, as contract keys. Not accepting and
    /// previously declined are refused before this is asked, and no override lifts them.
    /// </summary>
    public static IReadOnlyList<string> FailedFilters(Referral referral, ProposalTarget target) =>
        MatchingEngine.FailedFilters(ClientNeeds.From(referral), ClinicianCandidate.From(target.Clinician, target.Workload))
            .Select(f => f.Key())
            .ToList();

    /// <summary><paramref name="failedFilters"/>: the filters the clinician fails, lifted by the override reason.</summary>
    public static object[] Decide(Referral referral, ProposeMatch command, Guid proposalId, DateTimeOffset now, TimeSpan responseWindow,
        IReadOnlyList<string>? failedFilters = null) =>
    [
        new MatchProposed(proposalId, command.ClinicianId!.Value, now + responseWindow, command.Note,
            string.IsNullOrWhiteSpace(command.OverrideReason) ? null : command.OverrideReason,
            failedFilters is { Count: > 0 } ? failedFilters : null)
    ];

    public static (MatchProposedResult, Events, OutgoingMessages) Handle(
        ProposeMatch command, [WriteAggregate(Required = false)] Referral referral, ProposalTarget target, TimeProvider time,
        MatchingOptions options)
    {
        var now = time.GetUtcNow();
        var events = Decide(referral, command, Guid.CreateVersion7(), now, options.ProposalResponseWindow, FailedFilters(referral, target));
        var proposed = (MatchProposed)events[0];
        var result = ReferralCommandResult.After(referral, events);
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

    private static ProblemDetails ExcludedByFilters(IReadOnlyList<string> failed)
    {
        var problem = Problems.Conflict(
            $"This clinician fails the matching filters ({string.Join(", ", failed)}); give an overrideReason to propose them anyway.",
            "excludedByFilters");
        problem.Extensions["failedFilters"] = failed;
        return problem;
    }

    private static ProblemDetails UnknownClinician(Guid id)
    {
        var problem = Problems.NotFound("clinician");
        problem.Detail = $"No clinician with id {id}.";
        problem.Extensions["clinicianId"] = id;
        return problem;
    }

    private static ProblemDetails OpenToNewClients(Clinician clinician) =>
        clinician.Offboarded ? Problems.Conflict("This clinician has left the practice.", "clinicianOffboarded")
        : clinician.Paused ? Problems.Conflict("This clinician is paused and takes no proposals.", "clinicianPaused")
        : !clinician.AcceptingNewClients ? Problems.Conflict("This clinician is not accepting new clients.", "notAccepting")
        : Problems.NoProblems;
}

public static class ProposeMatchEndpoint
{
    [WolverinePost("/api/referrals/{referralId}/proposals"), Authorize(Policy = Policies.Coordination)]
    public static Task<HttpAnswer<MatchProposedResult>> Post(Guid referralId, ProposeMatch command, IMessageBus bus, CancellationToken cancellation) =>
        bus.AnswerHttpAsync(command with { ReferralId = referralId }, cancellation);
}
