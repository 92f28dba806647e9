using JasperFx;
using Wolverine;
using Wolverine.Attributes;
using Wolverine.Marten;

namespace Matching.Service.Referrals.Expiring;

/// <summary>Scheduled by a proposal for the end of its response window.</summary>
public sealed record ExpireProposal(Guid ReferralId, Guid ProposalId);

public static class ExpireProposalHandler
{
    /// <summary>
    /// Expires the proposal only while it is still the open one; answered, withdrawn or already
    /// expired proposals make the timer a no-op, so it can be delivered more than once.
    /// </summary>
    public static TimerDecision Decide(Referral referral, ExpireProposal message, DateTimeOffset now)
    {
        if (referral.OpenProposal is not { } open || open.Id != message.ProposalId) return TimerDecision.Nothing;
        if (now < open.ExpiresAt) return TimerDecision.Early(open.ExpiresAt);
        return TimerDecision.Append(new ProposalExpired(open.Id, open.ClinicianId));
    }

    // A clinician's answer racing the timer: the loser reloads and sees the proposal answered.
    [RetryNow(typeof(ConcurrencyException), 50, 200, 500)]
    public static (Events, OutgoingMessages) Handle(ExpireProposal message, [WriteAggregate] Referral referral, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var decision = Decide(referral, message, now);
        var outgoing = new OutgoingMessages();
        if (decision.LookAgainAt is { } at) outgoing.Add(message.DelayedFor(at - now));
        return (new Events(decision.Events), outgoing);
    }
}
