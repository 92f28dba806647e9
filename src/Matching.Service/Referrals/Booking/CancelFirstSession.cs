using FluentValidation;
using Marten;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.Booking;

public sealed record CancelFirstSession(CancelledBy? By, string? Reason, int? ExpectedVersion) : IReferralCommand;

public sealed class CancelFirstSessionValidator : AbstractValidator<CancelFirstSession>
{
    public CancelFirstSessionValidator()
    {
        RuleFor(x => x.By).NotNull().WithMessage("Choose client, clinician or practice.");
        RuleFor(x => x.Reason).NotEmpty().WithMessage("Say why the session is cancelled.").MaximumLength(4000);
    }
}

public static class CancelFirstSessionEndpoint
{
    private static readonly CancelFirstSessionValidator Validator = new();

    public static ProblemDetails Validate(CancelFirstSession command, Referral referral) => Problems.FirstOf(
        () => Problems.Check(Validator, command),
        () => Lifecycle.Stale(referral, command),
        () => Lifecycle.RequireStatus(referral, "cancel the first session of", ReferralStatus.Booked));

    public static object[] Decide(Referral referral, CancelFirstSession command)
    {
        var booked = referral.FirstSession!;
        return [new FirstSessionCancelled(booked.Id, booked.ClinicianId, command.By!.Value, command.Reason!)];
    }

    [WolverinePost("/api/referrals/{referralId}/first-session/cancel"), Authorize(Policy = Policies.Coordination)]
    public static (ReferralCommandResult, Events) Post(
        CancelFirstSession command, [WriteAggregate("referralId")] Referral referral, IDocumentSession session)
    {
        var events = Decide(referral, command);
        FirstSessionSlots.Free(session, referral.FirstSession!.Id);
        return (ReferralCommandResult.After(referral, events, ReferralStatus.Accepted), new Events(events));
    }
}
