using Matching.Service.Referrals;
using Matching.Service.Referrals.Waitlisting;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.Waitlisting;

public class WaitlistCheckInTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromDays(14);
    private static readonly Guid Id = Given.Submitted().ReferralId;
    // Submitted (1), triaged (2), waitlisted (3): events are a minute apart from Given.Start.
    private static readonly DateTimeOffset WaitlistedAt = Given.Start.AddMinutes(3);

    private static Given Waitlisted() => Given.Submitted().Triaged().Waitlisted();

    [Fact]
    public void waitlisted_referral_comes_due_an_interval_after_it_was_waitlisted()
    {
        var decision = WaitlistCheckInHandler.Decide(Waitlisted().Referral, new WaitlistCheckIn(Id, 1, 1), WaitlistedAt + Interval, Interval);

        decision.Events.ShouldBe(new object[] { new WaitlistCheckInDue(1) });
        var after = Waitlisted().After(decision.Events);
        after.WaitlistCheckIns.ShouldBe(1);
        after.Status.ShouldBe(ReferralStatus.Waitlisted);
    }

    [Fact]
    public void check_in_delivered_early_looks_again_when_it_falls_due() =>
        WaitlistCheckInHandler.Decide(Waitlisted().Referral, new WaitlistCheckIn(Id, 1, 1), WaitlistedAt.AddDays(3), Interval)
            .LookAgainAt.ShouldBe(WaitlistedAt + Interval);

    [Fact]
    public void a_contact_attempt_while_waiting_counts_as_the_check_in()
    {
        var given = Waitlisted().Then(new ContactAttempted(ContactChannel.Phone, ContactOutcome.Reached, null)); // at minute 4

        WaitlistCheckInHandler.Decide(given.Referral, new WaitlistCheckIn(Id, 1, 1), WaitlistedAt + Interval, Interval)
            .LookAgainAt.ShouldBe(Given.Start.AddMinutes(4) + Interval);
    }

    [Fact]
    public void the_next_check_in_counts_from_the_last_one()
    {
        var given = Waitlisted().Then(new WaitlistCheckInDue(1)); // at minute 4

        WaitlistCheckInHandler.Decide(given.Referral, new WaitlistCheckIn(Id, 1, 2), Given.Start.AddMinutes(4) + Interval, Interval)
            .Events.ShouldBe(new object[] { new WaitlistCheckInDue(2) });
    }

    [Fact]
    public void check_in_already_recorded_is_not_recorded_again()
    {
        var given = Waitlisted().Then(new WaitlistCheckInDue(1));

        WaitlistCheckInHandler.Decide(given.Referral, new WaitlistCheckIn(Id, 1, 1), WaitlistedAt.AddDays(60), Interval)
            .ShouldBe(TimerDecision.Nothing);
    }

    [Fact]
    public void referral_no_longer_waitlisted_gets_no_check_in()
    {
        var given = Waitlisted().Proposed();

        WaitlistCheckInHandler.Decide(given.Referral, new WaitlistCheckIn(Id, 1, 1), WaitlistedAt.AddDays(60), Interval)
            .ShouldBe(TimerDecision.Nothing);
    }

    [Fact]
    public void check_in_left_from_an_earlier_stay_on_the_waitlist_is_ignored()
    {
        var given = Waitlisted().Proposed().Declined().Waitlisted();

        given.Referral.Waitlistings.ShouldBe(2);
        WaitlistCheckInHandler.Decide(given.Referral, new WaitlistCheckIn(Id, 1, 1), WaitlistedAt.AddDays(60), Interval)
            .ShouldBe(TimerDecision.Nothing);
        WaitlistCheckInHandler.Decide(given.Referral, new WaitlistCheckIn(Id, 2, 1), WaitlistedAt.AddDays(60), Interval)
            .Events.ShouldBe(new object[] { new WaitlistCheckInDue(1) });
    }
}
