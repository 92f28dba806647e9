using JasperFx;
using Matching.Service.Infrastructure;
using Matching.Service.Notifications;
using Wolverine;
using Wolverine.Attributes;
using Wolverine.Marten;

namespace Matching.Service.Referrals.Escalating;

/// <summary>Scheduled by a risk flag for the end of the risk acknowledgement window.</summary>
public sealed record CheckRiskAcknowledgement(Guid ReferralId);

public static class CheckRiskAcknowledgementHandler
{
    /// <summary>
    /// Escalates a flagged risk nobody acknowledged in time, once: an acknowledged or already
    /// escalated risk, or a closed referral, makes the check a no-op.
    /// </summary>
    public static TimerDecision Decide(Referral referral, CheckRiskAcknowledgement message, DateTimeOffset now, TimeSpan window)
    {
        if (referral.Risk is not { Acknowledged: false, Escalated: false } risk || referral.Status == ReferralStatus.Closed)
            return TimerDecision.Nothing;
        var dueAt = risk.FlaggedAt + window;
        if (now < dueAt) return TimerDecision.Early(dueAt);
        return TimerDecision.Append(new RiskEscalated(risk.FlaggedAt, window));
    }

    [RetryNow(typeof(ConcurrencyException), 50, 200, 500)]
    public static (Events, OutgoingMessages) Handle(
        CheckRiskAcknowledgement message, [WriteAggregate] Referral referral, TimeProvider time, MatchingOptions options)
    {
        var now = time.GetUtcNow();
        var decision = Decide(referral, message, now, options.RiskAcknowledgementWindow);
        var outgoing = new OutgoingMessages();
        if (decision.LookAgainAt is { } at) outgoing.Add(message.DelayedFor(at - now));
        // Through the outbox: the coordinators hear of it only if the escalation commits.
        if (decision.Events.OfType<RiskEscalated>().Any()) outgoing.Add(new NotifyCoordinatorsOfEscalation(referral.Id));
        return (new Events(decision.Events), outgoing);
    }
}
