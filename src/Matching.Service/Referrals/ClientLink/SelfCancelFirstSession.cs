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

/// <summary>The client cancels their first session on their link, until the cutoff before it; a reason is theirs to give or not.</summary>
public sealed record SelfCancelFirstSession(string? Reason) : ICommand<ClientSessionCancelled>
{
    [NotFromBody] public Guid ReferralId { get; init; }

    /// <summary>What the event records when the client gave no reason (the event's reason is required of staff).</summary>
    public const string NoReason = "Cancelled on the client's link; no reason given.";
}

/// <summary>The cancelled session, and where the request stands now (accepted: a new time can be chosen).</summary>
public sealed record ClientSessionCancelled(Guid SessionId, ReferralStatus Status) : IAnswer;

public sealed class SelfCancelFirstSessionValidator : AbstractValidator<SelfCancelFirstSession>
{
    public SelfCancelFirstSessionValidator() => RuleFor(x => x.Reason).MaximumLength(4000);
}

public static class SelfCancelFirstSessionHandler
{
    public static ProblemDetails Validate(
        SelfCancelFirstSession command, Referral? referral, IValidator<SelfCancelFirstSession> validator, MatchingOptions options, TimeProvider time) =>
        Problems.FirstOf(
            () => Problems.Check(validator, command),
            () => Lifecycle.Exists(referral),
            () => CancelFirstSessionHandler.Allowed(referral!),
            () => ClientSlots.BeforeCutoff(referral!.FirstSession!, time.GetUtcNow(), options));

    /// <summary>The coordinator's cancellation, by the client: same event, freed slot and notices.</summary>
    public static CancelFirstSession AsCancellation(SelfCancelFirstSession command) =>
        new(CancelledBy.Client, string.IsNullOrWhiteSpace(command.Reason) ? SelfCancelFirstSession.NoReason : command.Reason.Trim(), null)
        {
            ReferralId = command.ReferralId
        };

    public static (ClientSessionCancelled, Events, OutgoingMessages) Handle(
        SelfCancelFirstSession command, [WriteAggregate(Required = false)] Referral referral, IDocumentSession session)
    {
        var (events, messages) = CancelFirstSessionHandler.Cancel(referral, AsCancellation(command), session);
        return (new ClientSessionCancelled(referral.FirstSession!.Id, Referral.StatusAfter(referral.Status, events)), new Events(events), messages);
    }
}

public static class SelfCancelFirstSessionEndpoint
{
    [WolverinePost("/api/client/{token}/first-session/cancel"), AllowAnonymous, EnableRateLimiting(ClientLinks.RateLimitPolicy)]
    public static Task<HttpAnswer<ClientSessionCancelled>> Post(
        string token, SelfCancelFirstSession command, HttpContext context, IMessageBus bus, CancellationToken cancellation) =>
        ClientLinks.AnswerAsync(context, referral => bus.AskAsync(command with { ReferralId = referral.Id }, cancellation));
}
