using FluentValidation;
using Marten;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.Booking;

public sealed record RescheduleFirstSession(DateTimeOffset? StartsAt, int? ExpectedVersion) : IReferralCommand;

/// <summary>Validates against the current instant, given through <see cref="Problems.Check{T,TClock}" />.</summary>
public sealed class RescheduleFirstSessionValidator : AbstractValidator<RescheduleFirstSession>
{
    public static readonly RescheduleFirstSessionValidator Instance = new();

    private RescheduleFirstSessionValidator()
    {
        RuleFor(x => x.StartsAt).NotNull().WithMessage("Give the new start as an ISO-8601 time with offset.");
        RuleFor(x => x.StartsAt).Must((_, s, context) => WithinTwoYears(s!.Value, context.Clock<RescheduleFirstSession, DateTimeOffset>())).When(x => x.StartsAt is not null)
            .WithMessage("The session must start in the future, within the next two years.");
    }

    private static bool WithinTwoYears(DateTimeOffset startsAt, DateTimeOffset now) => startsAt > now && startsAt < now.AddYears(2);
}

public static class RescheduleFirstSessionEndpoint
{
    public static ProblemDetails Validate(RescheduleFirstSession command, Referral referral, TimeProvider time) => Problems.FirstOf(
        () => Problems.Check(RescheduleFirstSessionValidator.Instance, command, time.GetUtcNow()),
        () => Lifecycle.Stale(referral, command),
        () => Lifecycle.RequireStatus(referral, "reschedule the first session of", ReferralStatus.Booked));

    public static object[] Decide(Referral referral, RescheduleFirstSession command)
    {
        var booked = referral.FirstSession!;
        return [new FirstSessionRescheduled(booked.Id, booked.ClinicianId, booked.StartsAt, command.StartsAt!.Value, booked.DurationMinutes)];
    }

    [WolverinePost("/api/referrals/{referralId}/first-session/reschedule"), Authorize(Policy = Policies.Coordination)]
    public static (ReferralCommandResult, Events) Post(
        RescheduleFirstSession command, [WriteAggregate("referralId")] Referral referral, IDocumentSession session)
    {
        var events = Decide(referral, command);
        FirstSessionSlots.Move(session, (FirstSessionRescheduled)events[0]);
        return (ReferralCommandResult.After(referral, events, ReferralStatus.Booked), new Events(events));
    }
}
