using FluentValidation;
using Marten;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.Closing;

public sealed record CloseReferral(ClosureOutcome? Outcome, string? Note, int? ExpectedVersion) : IReferralCommand, ICommand<ReferralCommandResult>
{
    [NotFromBody] public Guid ReferralId { get; init; }
}

public sealed class CloseReferralValidator : AbstractValidator<CloseReferral>
{
    public CloseReferralValidator()
    {
        RuleFor(x => x.Outcome).NotNull()
            .WithMessage("Choose withdrawn, unreachable, referredOut, ineligible or duplicate.");
        // Engagement is a fact the first session's outcome records, not something a coordinator declares.
        RuleFor(x => x.Outcome).NotEqual(ClosureOutcome.Engaged)
            .WithMessage("A referral closes as engaged only when its first session is recorded as attended.");
        RuleFor(x => x.Note).MaximumLength(4000);
    }
}

public static class CloseReferralHandler
{
    public const string ClosedReason = "Referral closed";

    public static ProblemDetails Validate(CloseReferral command, Referral? referral, IValidator<CloseReferral> validator) => Problems.FirstOf(
        () => Problems.Check(validator, command),
        () => Lifecycle.Exists(referral),
        () => Lifecycle.Stale(referral!, command),
        () => Allowed(referral!));

    /// <summary>Whether the referral's state allows the command at all, whatever its input: the page offers the action only then.</summary>
    public static ProblemDetails Allowed(Referral referral) => Lifecycle.RequireOpen(referral, "close");

    /// <summary>
    /// Whatever is still open ends first (the proposal, the booked session), then the referral closes. <paramref name="by"/>:
    /// who the session's cancellation is counted against (the client, when they withdraw their request themselves).
    /// </summary>
    public static object[] Decide(Referral referral, CloseReferral command, CancelledBy by = CancelledBy.Practice)
    {
        var events = new List<object>();
        if (referral.OpenProposal is { } open)
            events.Add(new ProposalWithdrawn(open.Id, open.ClinicianId, ClosedReason, ClosesReferral: true));
        if (referral is { Status: ReferralStatus.Booked, FirstSession: { } booked })
            events.Add(new FirstSessionCancelled(booked.Id, booked.ClinicianId, by, ClosedReason));
        events.Add(new ReferralClosed(command.Outcome!.Value, command.Note, referral.AcceptedProposal?.ClinicianId));
        return events.ToArray();
    }

    public static (ReferralCommandResult, Events) Handle(
        CloseReferral command, [WriteAggregate(Required = false)] Referral referral, IDocumentSession session)
    {
        var events = Decide(referral, command);
        if (events.OfType<FirstSessionCancelled>().FirstOrDefault() is { } cancelled)
            FirstSessionSlots.Free(session, cancelled.SessionId);
        return ReferralCommandResult.With(referral, events);
    }
}

public static class CloseReferralEndpoint
{
    [WolverinePost("/api/referrals/{referralId}/close"), Authorize(Policy = Policies.Coordination)]
    public static Task<HttpAnswer<ReferralCommandResult>> Post(Guid referralId, CloseReferral command, IMessageBus bus, CancellationToken cancellation) =>
        bus.AnswerHttpAsync(command with { ReferralId = referralId }, cancellation);
}
