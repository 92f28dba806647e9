using FluentValidation;
using Marten;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.Booking;

public enum FirstSessionOutcome { Attended, NoShow }

public sealed record RecordFirstSessionOutcome(FirstSessionOutcome? Outcome, string? Note, int? ExpectedVersion)
    : IReferralCommand, ICommand<ReferralCommandResult>
{
    [NotFromBody] public Guid ReferralId { get; init; }
}

public sealed class RecordFirstSessionOutcomeValidator : AbstractValidator<RecordFirstSessionOutcome>
{
    public RecordFirstSessionOutcomeValidator()
    {
        RuleFor(x => x.Outcome).NotNull().WithMessage("Choose attended or noShow.");
        RuleFor(x => x.Note).MaximumLength(4000);
    }
}

public static class RecordFirstSessionOutcomeHandler
{
    public static ProblemDetails Validate(
        RecordFirstSessionOutcome command, Referral? referral, IValidator<RecordFirstSessionOutcome> validator, TimeProvider time) =>
        Problems.FirstOf(
            () => Problems.Check(validator, command),
            () => Lifecycle.Exists(referral),
            () => Lifecycle.Stale(referral!, command),
            () => Allowed(referral!, time.GetUtcNow()));

    /// <summary>Whether the referral's state allows the command at all, whatever its input: the page offers the action only then.</summary>
    public static ProblemDetails Allowed(Referral referral, DateTimeOffset now) => Problems.FirstOf(
        () => Lifecycle.RequireStatus(referral, "record the first session's outcome of", ReferralStatus.Booked),
        () => referral.FirstSession!.StartsAt > now
            ? Problems.Conflict("The first session has not started yet.", "sessionNotStarted")
            : Problems.NoProblems);

    public static object[] Decide(Referral referral, RecordFirstSessionOutcome command)
    {
        var session = referral.FirstSession!;
        return command.Outcome == FirstSessionOutcome.Attended
            ? [new FirstSessionAttended(session.Id, session.ClinicianId, command.Note)]
            : [new FirstSessionMissed(session.Id, session.ClinicianId, command.Note)];
    }

    public static (ReferralCommandResult, Events) Handle(
        RecordFirstSessionOutcome command, [WriteAggregate(Required = false)] Referral referral, IDocumentSession session)
    {
        var events = Decide(referral, command);
        // A missed session frees the clinician's time for the re-booking; an attended one keeps its record.
        if (command.Outcome == FirstSessionOutcome.NoShow) FirstSessionSlots.Free(session, referral.FirstSession!.Id);
        return ReferralCommandResult.With(referral, events);
    }
}

public static class RecordFirstSessionOutcomeEndpoint
{
    [WolverinePost("/api/referrals/{referralId}/first-session/outcome"), Authorize(Policy = Policies.Coordination)]
    public static Task<HttpAnswer<ReferralCommandResult>> Post(Guid referralId, RecordFirstSessionOutcome command, IMessageBus bus, CancellationToken cancellation) =>
        bus.AnswerHttpAsync(command with { ReferralId = referralId }, cancellation);
}
