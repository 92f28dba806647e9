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

public sealed record CancelFirstSession(CancelledBy? By, string? Reason, int? ExpectedVersion) : IReferralCommand, ICommand<ReferralCommandResult>
{
    [NotFromBody] public Guid ReferralId { get; init; }
}

public sealed class CancelFirstSessionValidator : AbstractValidator<CancelFirstSession>
{
    public CancelFirstSessionValidator()
    {
        RuleFor(x => x.By).NotNull().WithMessage("Choose client, clinician or practice.");
        RuleFor(x => x.Reason).NotEmpty().WithMessage("Say why the session is cancelled.").MaximumLength(4000);
    }
}

public static class CancelFirstSessionHandler
{
    public static ProblemDetails Validate(CancelFirstSession command, Referral? referral, IValidator<CancelFirstSession> validator) => Problems.FirstOf(
        () => Problems.Check(validator, command),
        () => Lifecycle.Exists(referral),
        () => Lifecycle.Stale(referral!, command),
        () => Allowed(referral!));

    /// <summary>Whether the referral's state allows the command at all, whatever its input: the page offers the action only then.</summary>
    public static ProblemDetails Allowed(Referral referral) => Lifecycle.RequireStatus(referral, "cancel the first session of", ReferralStatus.Booked);

    public static object[] Decide(Referral referral, CancelFirstSession command)
    {
        var booked = referral.FirstSession!;
        return [new FirstSessionCancelled(booked.Id, booked.ClinicianId, command.By!.Value, command.Reason!)];
    }

    public static (ReferralCommandResult, Events, OutgoingMessages) Handle(
        CancelFirstSession command, [WriteAggregate(Required = false)] Referral referral, IDocumentSession session)
    {
        var (events, messages) = Cancel(referral, command, session);
        return (ReferralCommandResult.After(referral, events), new Events(events), messages);
    }

    /// <summary>The cancellation, whoever asked for it (a coordinator, or the client on their link): the events, the slot freed, the notices.</summary>
    public static (object[] Events, OutgoingMessages Messages) Cancel(Referral referral, CancelFirstSession command, IDocumentSession session)
    {
        var events = Decide(referral, command);
        FirstSessionSlots.Free(session, referral.FirstSession!.Id);
        return (events, FirstSessionNotices.AfterChange(referral));
    }
}

public static class CancelFirstSessionEndpoint
{
    [WolverinePost("/api/referrals/{referralId}/first-session/cancel"), Authorize(Policy = Policies.Coordination)]
    public static Task<HttpAnswer<ReferralCommandResult>> Post(Guid referralId, CancelFirstSession command, IMessageBus bus, CancellationToken cancellation) =>
        bus.AnswerHttpAsync(command with { ReferralId = referralId }, cancellation);
}
