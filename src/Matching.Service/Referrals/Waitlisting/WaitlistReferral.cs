using FluentValidation;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.Waitlisting;

public sealed record WaitlistReferral(string? Reason, int? ExpectedVersion) : IReferralCommand;

public sealed class WaitlistReferralValidator : AbstractValidator<WaitlistReferral>
{
    public static readonly WaitlistReferralValidator Instance = new();

    private WaitlistReferralValidator() =>
        RuleFor(x => x.Reason).NotEmpty().WithMessage("Say why the referral waits.").MaximumLength(4000).WithMessage("At most 4000 characters.");
}

public static class WaitlistReferralEndpoint
{
    public static ProblemDetails Validate(WaitlistReferral command, Referral referral) => Problems.FirstOf(
        () => Problems.Check(WaitlistReferralValidator.Instance, command),
        () => Lifecycle.Stale(referral, command),
        () => Lifecycle.RequireRiskAcknowledged(referral, "waitlist"),
        // Only a triaged referral waits: leaving the waitlist leads straight to a proposal.
        () => Lifecycle.RequireStatus(referral, "waitlist", ReferralStatus.AwaitingMatch));

    public static object[] Decide(Referral referral, WaitlistReferral command) =>
        [new ReferralWaitlisted(command.Reason!)];

    [WolverinePost("/api/referrals/{referralId}/waitlist"), Authorize(Policy = Policies.Coordination)]
    public static (ReferralCommandResult, Events, OutgoingMessages) Post(
        WaitlistReferral command, [WriteAggregate("referralId")] Referral referral, MatchingOptions options)
    {
        var events = Decide(referral, command);
        // Scheduled through the outbox, in the transaction that appends the event.
        var firstCheckIn = new WaitlistCheckIn(referral.Id, referral.Waitlistings + 1, 1).DelayedFor(options.WaitlistCheckInInterval);
        return (ReferralCommandResult.After(referral, events, ReferralStatus.Waitlisted), new Events(events), [firstCheckIn]);
    }
}
