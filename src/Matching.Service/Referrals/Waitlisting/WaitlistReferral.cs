using FluentValidation;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.Waitlisting;

public sealed record WaitlistReferral(string? Reason, int? ExpectedVersion) : IReferralCommand, ICommand<ReferralCommandResult>
{
    [NotFromBody] public Guid ReferralId { get; init; }
}

public sealed class WaitlistReferralValidator : AbstractValidator<WaitlistReferral>
{
    public WaitlistReferralValidator() =>
        RuleFor(x => x.Reason).NotEmpty().WithMessage("Say why the referral waits.").MaximumLength(4000).WithMessage("At most 4000 characters.");
}

public static class WaitlistReferralHandler
{
    public static ProblemDetails Validate(WaitlistReferral command, Referral? referral, IValidator<WaitlistReferral> validator) => Problems.FirstOf(
        () => Problems.Check(validator, command),
        () => Lifecycle.Exists(referral),
        () => Lifecycle.Stale(referral!, command),
        () => Allowed(referral!));

    /// <summary>Whether the referral's state allows the command at all, whatever its input: the page offers the action only then.</summary>
    public static ProblemDetails Allowed(Referral referral) => Problems.FirstOf(
        () => Lifecycle.RequireRiskAcknowledged(referral, "waitlist"),
        // Only a triaged referral waits: leaving the waitlist leads straight to a proposal.
        () => Lifecycle.RequireStatus(referral, "waitlist", ReferralStatus.AwaitingMatch));

    public static object[] Decide(Referral referral, WaitlistReferral command) =>
        [new ReferralWaitlisted(command.Reason!)];

    public static (ReferralCommandResult, Events, OutgoingMessages) Handle(
        WaitlistReferral command, [WriteAggregate(Required = false)] Referral referral, MatchingOptions options)
    {
        var (result, events) = ReferralCommandResult.With(referral, Decide(referral, command));
        // Scheduled through the outbox, in the transaction that appends the event.
        var firstCheckIn = new WaitlistCheckIn(referral.Id, referral.Waitlistings + 1, 1).DelayedFor(options.WaitlistCheckInInterval);
        return (result, events, [firstCheckIn]);
    }
}

public static class WaitlistReferralEndpoint
{
    [WolverinePost("/api/referrals/{referralId}/waitlist"), Authorize(Policy = Policies.Coordination)]
    public static Task<HttpAnswer<ReferralCommandResult>> Post(Guid referralId, WaitlistReferral command, IMessageBus bus, CancellationToken cancellation) =>
        bus.AnswerHttpAsync(command with { ReferralId = referralId }, cancellation);
}
