using FluentValidation;
using Marten;
using Matching.Service.Infrastructure;
using Matching.Service.Notifications;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.Booking;

/// <summary>OverrideReason: why the new time lies outside the clinician's hours; without it such a move is refused.</summary>
public sealed record RescheduleFirstSession(DateTimeOffset? StartsAt, int? ExpectedVersion, string? OverrideReason = null)
    : IReferralCommand, ICommand<ReferralCommandResult>
{
    [NotFromBody] public Guid ReferralId { get; init; }
}

/// <summary>Compares the new start with the service's clock.</summary>
public sealed class RescheduleFirstSessionValidator : AbstractValidator<RescheduleFirstSession>
{
    public RescheduleFirstSessionValidator(TimeProvider time)
    {
        RuleFor(x => x.StartsAt).NotNull().WithMessage("Give the new start as an ISO-8601 time with offset.");
        RuleFor(x => x.StartsAt).Must(s => FirstSessionSlots.WithinTwoYears(s!.Value, time.GetUtcNow())).When(x => x.StartsAt is not null)
            .WithMessage("The session must start in the future, within the next two years.");
        RuleFor(x => x.OverrideReason).MaximumLength(4000);
    }
}

public static class RescheduleFirstSessionHandler
{
    /// <summary>The booked clinician's hours, read before the checks (null while nothing is booked).</summary>
    public static async Task<ClinicianHours?> LoadAsync(RescheduleFirstSession command, IQuerySession session, CancellationToken token) =>
        await OpenSlots.HoursAsync(session, (await session.LoadAsync<Referral>(command.ReferralId, token))?.FirstSession?.ClinicianId, token);

    public static ProblemDetails Validate(
        RescheduleFirstSession command, Referral? referral, ClinicianHours? hours, IValidator<RescheduleFirstSession> validator) =>
        Problems.FirstOf(
            () => Problems.Check(validator, command),
            () => Lifecycle.Exists(referral),
            () => Lifecycle.Stale(referral!, command),
            () => Allowed(referral!),
            () => OpenSlots.Within(hours, command.StartsAt!.Value, referral!.FirstSession!.DurationMinutes, command.OverrideReason));

    /// <summary>Whether the referral's state allows the command at all, whatever its input: the page offers the action only then.</summary>
    public static ProblemDetails Allowed(Referral referral) => Lifecycle.RequireStatus(referral, "reschedule the first session of", ReferralStatus.Booked);

    public static object[] Decide(Referral referral, RescheduleFirstSession command)
    {
        var booked = referral.FirstSession!;
        return [new FirstSessionRescheduled(booked.Id, booked.ClinicianId, booked.StartsAt, command.StartsAt!.Value, booked.DurationMinutes,
            OpenSlots.Reason(command.OverrideReason))];
    }

    public static (ReferralCommandResult, Events, OutgoingMessages) Handle(
        RescheduleFirstSession command, [WriteAggregate(Required = false)] Referral referral, IDocumentSession session, MatchingOptions options,
        TimeProvider time)
    {
        var (events, messages) = Move(referral, command, session, options, time.GetUtcNow());
        return (ReferralCommandResult.After(referral, events), new Events(events), messages);
    }

    /// <summary>The move, whoever asked for it (a coordinator, or the client on their link): the events, the slot moved, the notices.</summary>
    public static (object[] Events, OutgoingMessages Messages) Move(
        Referral referral, RescheduleFirstSession command, IDocumentSession session, MatchingOptions options, DateTimeOffset now)
    {
        var events = Decide(referral, command);
        var moved = (FirstSessionRescheduled)events[0];
        FirstSessionSlots.Move(session, moved);
        // The reminders for the earlier time find the session moved and send nothing; the new time gets its own.
        return (events, [..FirstSessionNotices.AfterChange(referral), ..FirstSessionReminders.For(referral.Id, moved.SessionId, moved.StartsAt, options, now)]);
    }
}

public static class RescheduleFirstSessionEndpoint
{
    [WolverinePost("/api/referrals/{referralId}/first-session/reschedule"), Authorize(Policy = Policies.Coordination)]
    public static Task<HttpAnswer<ReferralCommandResult>> Post(Guid referralId, RescheduleFirstSession command, IMessageBus bus, CancellationToken cancellation) =>
        bus.AnswerHttpAsync(command with { ReferralId = referralId }, cancellation);
}
