using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Booking;
using Matching.Service.Referrals.ClientLink;
using Matching.Service.Shared;
using Matching.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Matching.Tests.Referrals.ClientLink;

/// <summary>The client's booking, move and cancellation decided without a database: given events, when the command, then the events.</summary>
public class SelfBookingDecisionTests
{
    private static readonly DateTimeOffset Offered = Given.Start.AddDays(4);
    private static readonly OfferedSlots Open = new([
        new OpenSlot(Offered, 50, [SessionFormat.InPerson, SessionFormat.Telehealth]),
        new OpenSlot(Offered.AddHours(1), 50, [SessionFormat.Telehealth])
    ]);
    private static readonly MatchingOptions Options = new() { PracticePhone = "(303) 555-0100" };

    private static FakeTimeProvider Clock(DateTimeOffset now) => new(now);

    [Fact]
    public void an_offered_time_books_the_accepted_clinician_as_a_coordinator_booking_would()
    {
        var given = Given.Submitted().Triaged().Proposed().Accepted();
        var command = new SelfBookFirstSession(Offered, SessionFormat.InPerson) { ReferralId = given.ReferralId };

        SelfBookFirstSessionHandler.Validate(command, given.Referral, Open, new SelfBookFirstSessionValidator()).ShouldBeAllowed();
        var events = BookFirstSessionHandler.Decide(given.Referral, SelfBookFirstSessionHandler.AsBooking(command), Given.SessionA);

        events.ShouldBe([new FirstSessionBooked(Given.SessionA, Given.ClinicianA, Offered, 50, SessionFormat.InPerson)]);
        given.After(events).Status.ShouldBe(ReferralStatus.Booked);
    }

    [Fact]
    public void a_time_not_offered_is_refused_with_the_times_still_open()
    {
        var given = Given.Submitted().Triaged().Proposed().Accepted();
        var command = new SelfBookFirstSession(Offered.AddMinutes(10), SessionFormat.Telehealth);

        var problem = SelfBookFirstSessionHandler.Validate(command, given.Referral, Open, new SelfBookFirstSessionValidator());

        problem.Status.ShouldBe(409);
        problem.Extensions["code"].ShouldBe("slotUnavailable");
        problem.Extensions["slots"].ShouldBe(Open.Slots);
    }

    [Fact]
    public void a_format_the_time_is_not_offered_in_is_refused()
    {
        var given = Given.Submitted().Triaged().Proposed().Accepted();
        var command = new SelfBookFirstSession(Offered.AddHours(1), SessionFormat.InPerson);

        var problem = SelfBookFirstSessionHandler.Validate(command, given.Referral, Open, new SelfBookFirstSessionValidator());

        problem.Extensions["code"].ShouldBe("formatNotAccepted");
        problem.Detail.ShouldBe("This time is offered by video.");
    }

    [Fact]
    public void before_a_clinician_accepts_there_is_nothing_to_book()
    {
        var given = Given.Submitted().Triaged().Proposed();
        var problem = SelfBookFirstSessionHandler.Validate(
            new SelfBookFirstSession(Offered, SessionFormat.Telehealth), given.Referral, new OfferedSlots(null), new SelfBookFirstSessionValidator());

        problem.Status.ShouldBe(409);
        problem.Extensions["code"].ShouldBe("noClinicianYet");
    }

    [Fact]
    public void input_is_checked_first()
    {
        var given = Given.Submitted().Triaged().Proposed();
        SelfBookFirstSessionHandler.Validate(new SelfBookFirstSession(null, null), given.Referral, new OfferedSlots(null), new SelfBookFirstSessionValidator())
            .ShouldBeInvalid("startsAt");
    }

    [Fact]
    public void the_client_may_move_an_offered_time_until_the_cutoff()
    {
        var given = Given.Submitted().Triaged().Proposed().Accepted().Booked();
        var command = new SelfRescheduleFirstSession(Offered) { ReferralId = given.ReferralId };
        var validator = new SelfRescheduleFirstSessionValidator();
        var cutoff = Given.SessionStart - Options.ClientChangeCutoff;

        SelfRescheduleFirstSessionHandler.Validate(command, given.Referral, Open, validator, Options, Clock(cutoff.AddSeconds(-1))).ShouldBeAllowed();
        var late = SelfRescheduleFirstSessionHandler.Validate(command, given.Referral, Open, validator, Options, Clock(cutoff));
        late.Extensions["code"].ShouldBe("tooLateToChange");
        late.Detail.ShouldBe("Sessions can be moved or cancelled here until 1 day before they start. Please call us at (303) 555-0100 and we'll help you.");

        var events = RescheduleFirstSessionHandler.Decide(given.Referral, SelfRescheduleFirstSessionHandler.AsReschedule(command));
        events.ShouldBe([new FirstSessionRescheduled(Given.SessionA, Given.ClinicianA, Given.SessionStart, Offered, 50)]);
    }

    [Fact]
    public void the_client_cancels_until_the_cutoff_with_or_without_a_reason()
    {
        var given = Given.Submitted().Triaged().Proposed().Accepted().Booked();
        var validator = new SelfCancelFirstSessionValidator();
        var command = new SelfCancelFirstSession(null);
        var cutoff = Given.SessionStart - Options.ClientChangeCutoff;

        SelfCancelFirstSessionHandler.Validate(command, given.Referral, validator, Options, Clock(cutoff.AddMinutes(-1))).ShouldBeAllowed();
        SelfCancelFirstSessionHandler.Validate(command, given.Referral, validator, Options, Clock(cutoff.AddMinutes(1))).Extensions["code"]
            .ShouldBe("tooLateToChange");

        CancelFirstSessionHandler.Decide(given.Referral, SelfCancelFirstSessionHandler.AsCancellation(command))
            .ShouldBe([new FirstSessionCancelled(Given.SessionA, Given.ClinicianA, CancelledBy.Client, SelfCancelFirstSession.NoReason)]);
        CancelFirstSessionHandler.Decide(given.Referral, SelfCancelFirstSessionHandler.AsCancellation(new SelfCancelFirstSession(" Moving. ")))
            .ShouldBe([new FirstSessionCancelled(Given.SessionA, Given.ClinicianA, CancelledBy.Client, "Moving.")]);
    }

    [Fact]
    public void nothing_booked_is_nothing_to_move_or_cancel()
    {
        var given = Given.Submitted().Triaged().Proposed().Accepted();
        SelfCancelFirstSessionHandler.Validate(new SelfCancelFirstSession(null), given.Referral, new SelfCancelFirstSessionValidator(), Options, Given.Clock)
            .Extensions["code"].ShouldBe("invalidTransition");
        SelfRescheduleFirstSessionHandler.Validate(new SelfRescheduleFirstSession(Offered), given.Referral, Open, new SelfRescheduleFirstSessionValidator(),
            Options, Given.Clock).Extensions["code"].ShouldBe("invalidTransition");
    }

    [Theory]
    [InlineData(null, null, true)]
    [InlineData("2026-03-05", "2026-03-05", true)]
    [InlineData("2026-03-06", "2026-03-05", false)]
    [InlineData("2026-3-5", null, false)]
    [InlineData(null, "2028-01-01", false)]
    [InlineData("2024-12-31", null, false)]
    public void slot_ranges_are_dates_within_a_year(string? from, string? to, bool valid)
    {
        var denver = TimeZoneInfo.FindSystemTimeZoneById("America/Denver");
        var (start, end, problem) = ClientSlotsEndpoint.Range(from, to, denver, Given.Start);

        (problem is null).ShouldBe(valid);
        if (valid && from is not null)
        {
            start.ShouldBe(new DateTimeOffset(2026, 3, 5, 0, 0, 0, TimeSpan.FromHours(-7)));
            end.ShouldBe(new DateTimeOffset(2026, 3, 6, 0, 0, 0, TimeSpan.FromHours(-7)));
        }
    }
}
