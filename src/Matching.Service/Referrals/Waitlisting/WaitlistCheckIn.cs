using JasperFx;
using Matching.Service.Infrastructure;
using Wolverine;
using Wolverine.Attributes;
using Wolverine.Marten;

namespace Matching.Service.Referrals.Waitlisting;

/// <summary>
/// The <paramref name="Number"/>th check-in of the <paramref name="Waitlisting"/>th stay on the waitlist.
/// Waitlisting schedules check-in 1; each check-in schedules the next while the referral still waits.
/// </summary>
public sealed record WaitlistCheckIn(Guid ReferralId, int Waitlisting, int Number);

public static class WaitlistCheckInHandler
{
    /// <summary>
    /// A check-in falls due an interval after the referral was waitlisted, after its last check-in, or
    /// after the last contact attempt while it waits (a contact counts as a check-in, as in the queue),
    /// whichever is latest. A referral no longer waiting, a later stay, or a check-in already recorded
    /// make the timer a no-op.
    /// </summary>
    public static TimerDecision Decide(Referral referral, WaitlistCheckIn message, DateTimeOffset now, TimeSpan interval)
    {
        if (referral.Status != ReferralStatus.Waitlisted
            || referral.Waitlistings != message.Waitlisting
            || referral.WaitlistCheckIns != message.Number - 1)
            return TimerDecision.Nothing;

        var dueAt = LastCheckIn(referral) + interval;
        return now < dueAt ? TimerDecision.Early(dueAt) : TimerDecision.Append(new WaitlistCheckInDue(message.Number));
    }

    public static DateTimeOffset LastCheckIn(Referral referral)
    {
        var last = referral.StatusSince;
        if (referral.LastWaitlistCheckInAt is { } checkIn && checkIn > last) last = checkIn;
        if (referral.ContactAttempts.LastOrDefault()?.At is { } contact && contact > last) last = contact;
        return last;
    }

    [RetryNow(typeof(ConcurrencyException), 50, 200, 500)]
    public static (Events, OutgoingMessages) Handle(
        WaitlistCheckIn message, [WriteAggregate] Referral referral, TimeProvider time, MatchingOptions options)
    {
        var now = time.GetUtcNow();
        var decision = Decide(referral, message, now, options.WaitlistCheckInInterval);
        var outgoing = new OutgoingMessages();
        if (decision.LookAgainAt is { } at) outgoing.Add(message.DelayedFor(at - now));
        if (decision.Events.Count > 0)
            outgoing.Add((message with { Number = message.Number + 1 }).DelayedFor(options.WaitlistCheckInInterval));
        return (new Events(decision.Events), outgoing);
    }
}
