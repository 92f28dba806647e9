using FluentValidation;
using Marten;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals.Booking;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.ClientLink;

/// <summary>The client moves their first session on their link, to one of the times it offers, until the cutoff before it.</summary>
public sealed record SelfRescheduleFirstSession(DateTimeOffset? StartsAt) : ICommand<ClientFirstSessionAnswer>
{
    [NotFromBody] public Guid ReferralId { get; init; }
}

public sealed class SelfRescheduleFirstSessionValidator : AbstractValidator<SelfRescheduleFirstSession>
{
    public SelfRescheduleFirstSessionValidator() =>
        RuleFor(x => x.StartsAt).NotNull().WithMessage(ClientSlots.ChooseOne);
}

public static class SelfRescheduleFirstSessionHandler
{
    public static Task<OfferedSlots> LoadAsync(
        SelfRescheduleFirstSession command, IQuerySession session, MatchingOptions options, TimeProvider time, CancellationToken cancellation) =>
        OfferedSlots.ReadAsync(command.ReferralId, session, options, time, cancellation);

    public static ProblemDetails Validate(
        SelfRescheduleFirstSession command, Referral? referral, OfferedSlots offered, IValidator<SelfRescheduleFirstSession> validator,
        MatchingOptions options, TimeProvider time) => Problems.FirstOf(
        () => Problems.Check(validator, command),
        () => Lifecycle.Exists(referral),
        () => RescheduleFirstSessionHandler.Allowed(referral!),
        () => ClientSlots.BeforeCutoff(referral!.FirstSession!, time.GetUtcNow(), options),
        () => ClientSlots.Offered(offered.Slots ?? [], command.StartsAt!.Value));

    /// <summary>The coordinator's reschedule with the time the client chose: same events, notices and new reminders.</summary>
    public static RescheduleFirstSession AsReschedule(SelfRescheduleFirstSession command) =>
        new(command.StartsAt, null) { ReferralId = command.ReferralId };

    public static (ClientFirstSessionAnswer, Events, OutgoingMessages) Handle(
        SelfRescheduleFirstSession command, [WriteAggregate(Required = false)] Referral referral, IDocumentSession session,
        MatchingOptions options, TimeProvider time)
    {
        var (events, messages) = RescheduleFirstSessionHandler.Move(referral, AsReschedule(command), session, options, time.GetUtcNow());
        return (new ClientFirstSessionAnswer(referral.FirstSession!.Id, command.StartsAt!.Value), new Events(events), messages);
    }
}

public static class SelfRescheduleFirstSessionEndpoint
{
    [WolverinePost("/api/client/{token}/first-session/reschedule"), AllowAnonymous, EnableRateLimiting(ClientLinks.RateLimitPolicy)]
    public static Task<HttpAnswer<ClientFirstSessionAnswer>> Post(
        string token, SelfRescheduleFirstSession command, HttpContext context, IMessageBus bus, IDocumentStore store, MatchingOptions options,
        TimeProvider time, CancellationToken cancellation) =>
        ClientLinks.AnswerAsync(context, referral =>
            ClientSlots.SendAsync(bus, command with { ReferralId = referral.Id }, referral, store, options, time, cancellation));
}
