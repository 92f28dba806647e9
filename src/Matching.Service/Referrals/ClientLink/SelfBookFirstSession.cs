using System.Text.Json.Serialization;
using FluentValidation;
using Marten;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals.Booking;
using Matching.Service.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.ClientLink;

/// <summary>The client books their first session on their link, at one of the times it offers.</summary>
public sealed record SelfBookFirstSession(DateTimeOffset? StartsAt, SessionFormat? Format) : ICommand<SelfBookedResult>
{
    [NotFromBody] public Guid ReferralId { get; init; }
}

/// <summary>The client's first session as their link's commands answer it.</summary>
public record ClientFirstSessionAnswer(Guid SessionId, DateTimeOffset StartsAt) : IAnswer;

/// <summary>201: the session booked; Location is the client's status on the same link.</summary>
public sealed record SelfBookedResult(Guid SessionId, DateTimeOffset StartsAt) : ClientFirstSessionAnswer(SessionId, StartsAt), ICreatedResult
{
    /// <summary>Set by the endpoint, which knows the link; never part of the body.</summary>
    [JsonIgnore] public string Location { get; init; } = "";
}

/// <summary>The times offered when the command arrived, read in its load step with the same code as the GET; null before a clinician accepted.</summary>
public sealed record OfferedSlots(IReadOnlyList<OpenSlot>? Slots)
{
    public static async Task<OfferedSlots> ReadAsync(
        Guid referralId, IQuerySession session, MatchingOptions options, TimeProvider time, CancellationToken cancellation) =>
        new(await session.LoadAsync<Referral>(referralId, cancellation) is { } referral
            ? await ClientSlots.ReadAsync(session, referral, options, time.GetUtcNow(), cancellation)
            : null);
}

public sealed class SelfBookFirstSessionValidator : AbstractValidator<SelfBookFirstSession>
{
    public SelfBookFirstSessionValidator()
    {
        RuleFor(x => x.StartsAt).NotNull().WithMessage(ClientSlots.ChooseOne);
        RuleFor(x => x.Format).NotNull().WithMessage("Choose inPerson or telehealth.");
    }
}

public static class SelfBookFirstSessionHandler
{
    public static Task<OfferedSlots> LoadAsync(
        SelfBookFirstSession command, IQuerySession session, MatchingOptions options, TimeProvider time, CancellationToken cancellation) =>
        OfferedSlots.ReadAsync(command.ReferralId, session, options, time, cancellation);

    public static ProblemDetails Validate(
        SelfBookFirstSession command, Referral? referral, OfferedSlots offered, IValidator<SelfBookFirstSession> validator) => Problems.FirstOf(
        () => Problems.Check(validator, command),
        () => Lifecycle.Exists(referral),
        () => offered.Slots is null ? ClientSlots.NoClinicianYet() : Problems.NoProblems,
        () => BookFirstSessionHandler.Allowed(referral!),
        () => BookFirstSessionHandler.ClientAccepts(referral!, command.Format!.Value)
            ? Problems.NoProblems
            : Problems.Conflict($"You asked for {Words.Label(referral!.Intake.Format).ToLowerInvariant()} sessions only.", "formatNotAccepted"),
        () => ClientSlots.Offered(offered.Slots!, command.StartsAt!.Value),
        () => ClientSlots.OfferedIn(offered.Slots!, command.StartsAt!.Value, command.Format!.Value));

    /// <summary>The coordinator's booking with the time the client chose, in the session's usual length: same events, notices and reminders.</summary>
    public static BookFirstSession AsBooking(SelfBookFirstSession command) =>
        new(command.StartsAt, null, command.Format, null) { ReferralId = command.ReferralId };

    public static (SelfBookedResult, Events, OutgoingMessages) Handle(
        SelfBookFirstSession command, [WriteAggregate(Required = false)] Referral referral, IDocumentSession session, MatchingOptions options,
        TimeProvider time)
    {
        var (booked, events, messages) = BookFirstSessionHandler.Book(referral, AsBooking(command), session, options, time.GetUtcNow());
        return (new SelfBookedResult(booked.SessionId, booked.StartsAt), new Events(events), messages);
    }
}

public static class SelfBookFirstSessionEndpoint
{
    [WolverinePost("/api/client/{token}/first-session"), AllowAnonymous, EnableRateLimiting(ClientLinks.RateLimitPolicy)]
    public static Task<HttpAnswer<SelfBookedResult>> Post(
        string token, SelfBookFirstSession command, HttpContext context, IMessageBus bus, IDocumentStore store, MatchingOptions options,
        TimeProvider time, CancellationToken cancellation) =>
        ClientLinks.AnswerAsync(context, async referral =>
        {
            var answer = await ClientSlots.SendAsync(bus, command with { ReferralId = referral.Id }, referral, store, options, time, cancellation);
            return answer with { Result = answer.Result is { } booked ? booked with { Location = $"/api/client/{token}" } : null };
        });
}
