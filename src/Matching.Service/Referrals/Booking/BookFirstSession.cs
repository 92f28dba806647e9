using FluentValidation;
using Marten;
using Matching.Service.Infrastructure;
using Matching.Service.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Matching.Service.Notifications;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.Booking;

/// <summary>OverrideReason: why the session lies outside the clinician's hours; without it such a booking is refused.</summary>
public sealed record BookFirstSession(
    DateTimeOffset? StartsAt, int? DurationMinutes, SessionFormat? Format, int? ExpectedVersion, string? OverrideReason = null)
    : IReferralCommand, ICommand<FirstSessionBookedResult>
{
    public const int DefaultDurationMinutes = 50;

    [NotFromBody] public Guid ReferralId { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public int Duration => DurationMinutes ?? DefaultDurationMinutes;
}

/// <summary>201: the session booked.</summary>
public sealed record FirstSessionBookedResult(Guid ReferralId, long Version, ReferralStatus Status, Guid SessionId)
    : CreatedReferralResult(ReferralId, Version, Status);

/// <summary>Compares the start with the service's clock.</summary>
public sealed class BookFirstSessionValidator : AbstractValidator<BookFirstSession>
{
    public BookFirstSessionValidator(TimeProvider time)
    {
        RuleFor(x => x.StartsAt).NotNull().WithMessage("Give the session's start as an ISO-8601 time with offset.");
        RuleFor(x => x.StartsAt).Must(s => FirstSessionSlots.WithinTwoYears(s!.Value, time.GetUtcNow())).When(x => x.StartsAt is not null)
            .WithMessage("The session must start in the future, within the next two years.");
        RuleFor(x => x.DurationMinutes).InclusiveBetween(15, 240).When(x => x.DurationMinutes is not null)
            .WithMessage("A first session lasts from 15 to 240 minutes.");
        RuleFor(x => x.Format).NotNull().WithMessage("Choose inPerson or telehealth.");
        RuleFor(x => x.OverrideReason).MaximumLength(4000);
    }
}

public static class BookFirstSessionHandler
{
    /// <summary>The accepted clinician's hours, read before the checks (null while no clinician has accepted).</summary>
    public static async Task<ClinicianHours?> LoadAsync(BookFirstSession command, IQuerySession session, CancellationToken token) =>
        await OpenSlots.HoursAsync(session, (await session.LoadAsync<Referral>(command.ReferralId, token))?.AcceptedProposal?.ClinicianId, token);

    public static ProblemDetails Validate(
        BookFirstSession command, Referral? referral, ClinicianHours? hours, IValidator<BookFirstSession> validator) => Problems.FirstOf(
        () => Problems.Check(validator, command),
        () => Lifecycle.Exists(referral),
        () => Lifecycle.Stale(referral!, command),
        () => Allowed(referral!),
        () => ClientAccepts(referral!, command.Format!.Value)
            ? Problems.NoProblems
            : Problems.Conflict($"The client asked for {Words.Wire(referral!.Intake.Format)} sessions only.", "formatNotAccepted"),
        () => OpenSlots.Within(hours, command.StartsAt!.Value, command.Duration, command.OverrideReason));

    /// <summary>Whether the referral's state allows the command at all, whatever its input: the page offers the action only then.</summary>
    public static ProblemDetails Allowed(Referral referral) => Lifecycle.RequireStatus(referral, "book a first session for", ReferralStatus.Accepted);

    /// <summary>The intake said which formats the client accepts; `either` accepts both.</summary>
    public static bool ClientAccepts(Referral referral, SessionFormat format) => Accepts(referral.Intake.Format, format);

    public static bool Accepts(FormatPreference client, SessionFormat format) => client switch
    {
        FormatPreference.InPerson => format == SessionFormat.InPerson,
        FormatPreference.Telehealth => format == SessionFormat.Telehealth,
        _ => true
    };

    public static object[] Decide(Referral referral, BookFirstSession command, Guid sessionId) =>
    [
        new FirstSessionBooked(sessionId, referral.AcceptedProposal!.ClinicianId, command.StartsAt!.Value, command.Duration,
            command.Format!.Value, OpenSlots.Reason(command.OverrideReason))
    ];

    public static (FirstSessionBookedResult, Events, OutgoingMessages) Handle(
        BookFirstSession command, [WriteAggregate(Required = false)] Referral referral, IDocumentSession session, MatchingOptions options,
        TimeProvider time)
    {
        var (booked, events, messages) = Book(referral, command, session, options, time.GetUtcNow());
        var result = ReferralCommandResult.After(referral, events);
        return (new FirstSessionBookedResult(result.ReferralId, result.Version, result.Status, booked.SessionId), new Events(events), messages);
    }

    /// <summary>
    /// The booking, whoever asked for it (a coordinator, or the client on their link): the events, the slot reserved in the
    /// same transaction (an overlapping booking fails on the constraint and appends nothing), and what follows it.
    /// </summary>
    public static (FirstSessionBooked Booked, object[] Events, OutgoingMessages Messages) Book(
        Referral referral, BookFirstSession command, IDocumentSession session, MatchingOptions options, DateTimeOffset now)
    {
        var events = Decide(referral, command, Guid.CreateVersion7());
        var booked = (FirstSessionBooked)events[0];
        FirstSessionSlots.Reserve(session, referral.Id, booked);
        // The client hears of the session only if the booking commits (the outbox shares its transaction).
        return (booked, events,
            [
                new NotifyClientOfFirstSession(referral.Id, booked.SessionId), new NotifyClinicianOfFirstSession(referral.Id, booked.SessionId),
                ..FirstSessionReminders.For(referral.Id, booked.SessionId, booked.StartsAt, options, now)
            ]);
    }
}

public static class BookFirstSessionEndpoint
{
    [WolverinePost("/api/referrals/{referralId}/first-session"), Authorize(Policy = Policies.Coordination)]
    public static Task<HttpAnswer<FirstSessionBookedResult>> Post(Guid referralId, BookFirstSession command, IMessageBus bus, CancellationToken cancellation) =>
        bus.AnswerHttpAsync(command with { ReferralId = referralId }, cancellation);
}
