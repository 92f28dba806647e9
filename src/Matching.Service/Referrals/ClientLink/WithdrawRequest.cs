using FluentValidation;
using Marten;
using Matching.Service.Infrastructure;
using Matching.Service.Notifications;
using Matching.Service.Referrals.Closing;
using Matching.Service.Referrals.SubmittingIntake;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.ClientLink;

/// <summary>The client withdraws their request on their link: it closes as withdrawn, and the link stops working.</summary>
public sealed record WithdrawRequest(string? Reason) : ICommand<RequestWithdrawn>
{
    [NotFromBody] public Guid ReferralId { get; init; }
}

/// <summary>What the client reads once their request is withdrawn: the link won't open again, so this is the last page.</summary>
public sealed record RequestWithdrawn(
    string Reference,
    ReferralStatus Status,
    string StatusText,
    string NextStep,
    bool SessionCancelled,
    IReadOnlyList<CrisisResource> CrisisResources) : IAnswer
{
    public static RequestWithdrawn Of(Referral referral, bool sessionCancelled) => new(
        ReferralReference.Of(referral.Id),
        ReferralStatus.Closed,
        "Your request is withdrawn.",
        (sessionCancelled ? "Your first session is cancelled and your clinician has been told. " : "")
        + "We won't contact you about this request again. If you'd like support later, you're welcome back any time: "
        + "just fill in the form again or get in touch.",
        sessionCancelled,
        SubmitIntakeHandler.CrisisResources);
}

public sealed class WithdrawRequestValidator : AbstractValidator<WithdrawRequest>
{
    public WithdrawRequestValidator() =>
        RuleFor(x => x.Reason).MaximumLength(4000).WithMessage("Please keep this to 4,000 characters.");
}

public static class WithdrawRequestHandler
{
    public static ProblemDetails Validate(WithdrawRequest command, Referral? referral, IValidator<WithdrawRequest> validator) => Problems.FirstOf(
        () => Problems.Check(validator, command),
        () => Lifecycle.Exists(referral),
        () => CloseReferralHandler.Allowed(referral!));

    /// <summary>Closing as withdrawn, as a coordinator would close it; a booked session is cancelled by the client.</summary>
    public static object[] Decide(Referral referral, WithdrawRequest command) => CloseReferralHandler.Decide(referral,
        new CloseReferral(ClosureOutcome.Withdrawn, string.IsNullOrWhiteSpace(command.Reason) ? null : command.Reason.Trim(), null),
        CancelledBy.Client);

    /// <summary>
    /// The cancelled session's time is freed and its clinician told; the client already knows (they are reading the
    /// answer), and the message that would offer them another time would be wrong now.
    /// </summary>
    public static (RequestWithdrawn, Events, OutgoingMessages) Handle(
        WithdrawRequest command, [WriteAggregate(Required = false)] Referral referral, IDocumentSession session)
    {
        var events = Decide(referral, command);
        var messages = new OutgoingMessages();
        var cancelled = events.OfType<FirstSessionCancelled>().FirstOrDefault();
        if (cancelled is not null)
        {
            FirstSessionSlots.Free(session, cancelled.SessionId);
            messages.AddRange(FirstSessionNotices.AfterChange(referral).OfType<NotifyClinicianOfFirstSession>());
        }
        return (RequestWithdrawn.Of(referral, cancelled is not null), new Events(events), messages);
    }
}

public static class WithdrawRequestEndpoint
{
    [WolverinePost("/api/client/{token}/withdraw"), AllowAnonymous, EnableRateLimiting(ClientLinks.RateLimitPolicy)]
    public static Task<HttpAnswer<RequestWithdrawn>> Post(
        string token, WithdrawRequest command, HttpContext context, IMessageBus bus, CancellationToken cancellation) =>
        ClientLinks.AnswerAsync(context, referral => bus.AskAsync(command with { ReferralId = referral.Id }, cancellation));
}
