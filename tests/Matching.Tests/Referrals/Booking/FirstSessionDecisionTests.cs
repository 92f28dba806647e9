using Matching.Service.Referrals;
using Matching.Service.Referrals.Booking;
using Matching.Service.Shared;
using Matching.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Matching.Tests.Referrals.Booking;

public class BookFirstSessionTests
{
    private static readonly FakeTimeProvider Now = new(Given.Start.AddHours(1));
    private static readonly BookFirstSession Command = new(Given.Start.AddDays(5), null, SessionFormat.Telehealth, null);

    [Fact]
    public void accepted_referral_books_with_the_accepted_clinician_for_fifty_minutes_by_default()
    {
        var given = Given.Submitted().Triaged().Proposed().Accepted();
        BookFirstSessionHandler.Validate(Command, given.Referral, Hours.AllWeek, new BookFirstSessionValidator(Now)).ShouldBeAllowed();

        var events = BookFirstSessionHandler.Decide(given.Referral, Command, Given.SessionA);

        events.ShouldBe([new FirstSessionBooked(Given.SessionA, Given.ClinicianA, Command.StartsAt!.Value, 50, SessionFormat.Telehealth)]);
        var after = given.After(events);
        after.Status.ShouldBe(ReferralStatus.Booked);
        after.FirstSession!.EndsAt.ShouldBe(Command.StartsAt.Value.AddMinutes(50));
    }

    [Fact]
    public void missed_session_can_be_booked_again() =>
        BookFirstSessionHandler.Validate(
                Command, Given.Submitted().Triaged().Proposed().Accepted().Booked().Missed().Referral, Hours.AllWeek, new BookFirstSessionValidator(Now))
            .ShouldBeAllowed();

    [Theory]
    [InlineData("awaitingMatch")]
    [InlineData("proposed")]
    [InlineData("booked")]
    [InlineData("closed")]
    public void only_an_accepted_referral_is_booked(string status)
    {
        var given = status switch
        {
            "awaitingMatch" => Given.Submitted().Triaged(),
            "proposed" => Given.Submitted().Triaged().Proposed(),
            "booked" => Given.Submitted().Triaged().Proposed().Accepted().Booked(),
            _ => Given.Submitted().Triaged().Proposed().Accepted().Booked().Attended()
        };
        BookFirstSessionHandler.Validate(Command, given.Referral, Hours.AllWeek, new BookFirstSessionValidator(Now)).ShouldBeConflict("invalidTransition");
    }

    [Fact]
    public void start_in_the_past_is_invalid() =>
        BookFirstSessionHandler.Validate(
                Command with { StartsAt = Now.GetUtcNow().AddMinutes(-1) },
                Given.Submitted().Triaged().Proposed().Accepted().Referral,
                Hours.AllWeek, new BookFirstSessionValidator(Now))
            .ShouldBeInvalid("startsAt");

    [Theory]
    [InlineData(14)]
    [InlineData(241)]
    public void duration_outside_15_to_240_minutes_is_invalid(int minutes) =>
        BookFirstSessionHandler.Validate(
                Command with { DurationMinutes = minutes },
                Given.Submitted().Triaged().Proposed().Accepted().Referral,
                Hours.AllWeek, new BookFirstSessionValidator(Now))
            .ShouldBeInvalid("durationMinutes");

    [Fact]
    public void format_is_required() =>
        BookFirstSessionHandler.Validate(
                Command with { Format = null },
                Given.Submitted().Triaged().Proposed().Accepted().Referral,
                Hours.AllWeek, new BookFirstSessionValidator(Now))
            .ShouldBeInvalid("format");
}

public class RescheduleFirstSessionTests
{
    private static readonly FakeTimeProvider Now = new(Given.Start.AddHours(1));
    private static readonly RescheduleFirstSession Command = new(Given.SessionStart.AddDays(1), null);

    [Fact]
    public void booked_session_moves_and_stays_booked()
    {
        var given = Given.Submitted().Triaged().Proposed().Accepted().Booked();
        RescheduleFirstSessionHandler.Validate(Command, given.Referral, Hours.AllWeek, new RescheduleFirstSessionValidator(Now)).ShouldBeAllowed();

        var events = RescheduleFirstSessionHandler.Decide(given.Referral, Command);

        events.ShouldBe([new FirstSessionRescheduled(Given.SessionA, Given.ClinicianA, Given.SessionStart, Command.StartsAt!.Value, 50)]);
        var after = given.After(events);
        after.Status.ShouldBe(ReferralStatus.Booked);
        after.FirstSession!.StartsAt.ShouldBe(Command.StartsAt.Value);
    }

    [Fact]
    public void nothing_to_reschedule_before_booking() =>
        RescheduleFirstSessionHandler.Validate(
                Command, Given.Submitted().Triaged().Proposed().Accepted().Referral, Hours.AllWeek, new RescheduleFirstSessionValidator(Now))
            .ShouldBeConflict("invalidTransition");

    [Fact]
    public void new_start_in_the_past_is_invalid() =>
        RescheduleFirstSessionHandler.Validate(
                Command with { StartsAt = Given.Start },
                Given.Submitted().Triaged().Proposed().Accepted().Booked().Referral,
                Hours.AllWeek, new RescheduleFirstSessionValidator(Now))
            .ShouldBeInvalid("startsAt");
}

public class CancelFirstSessionTests
{
    private static readonly CancelFirstSession Command = new(CancelledBy.Client, "Work trip.", null);

    [Fact]
    public void cancelled_session_returns_the_referral_to_accepted()
    {
        var given = Given.Submitted().Triaged().Proposed().Accepted().Booked();
        CancelFirstSessionHandler.Validate(Command, given.Referral, new CancelFirstSessionValidator()).ShouldBeAllowed();

        var events = CancelFirstSessionHandler.Decide(given.Referral, Command);

        events.ShouldBe([new FirstSessionCancelled(Given.SessionA, Given.ClinicianA, CancelledBy.Client, "Work trip.")]);
        var after = given.After(events);
        after.Status.ShouldBe(ReferralStatus.Accepted);
        after.FirstSession!.Status.ShouldBe(FirstSessionStatus.Cancelled);
        after.ClinicianId.ShouldBe(Given.ClinicianA);
    }

    [Fact]
    public void nothing_to_cancel_before_booking() =>
        CancelFirstSessionHandler.Validate(
                Command, Given.Submitted().Triaged().Proposed().Accepted().Referral, new CancelFirstSessionValidator())
            .ShouldBeConflict("invalidTransition");

    [Fact]
    public void who_and_why_are_required()
    {
        var problem = CancelFirstSessionHandler.Validate(
                Command with { By = null, Reason = "" },
                Given.Submitted().Triaged().Proposed().Accepted().Booked().Referral,
                new CancelFirstSessionValidator());
        problem.ShouldBeInvalid("by");
        problem.ShouldBeInvalid("reason");
    }
}

public class RecordFirstSessionOutcomeTests
{
    private static readonly FakeTimeProvider AfterStart = new(Given.SessionStart.AddMinutes(55));
    private static readonly Given Booked = Given.Submitted().Triaged().Proposed().Accepted().Booked();

    [Fact]
    public void attended_session_closes_the_referral_as_engaged()
    {
        var command = new RecordFirstSessionOutcome(FirstSessionOutcome.Attended, "Good first meeting.", null);
        RecordFirstSessionOutcomeHandler.Validate(command, Booked.Referral, new RecordFirstSessionOutcomeValidator(), AfterStart)
            .ShouldBeAllowed();

        var events = RecordFirstSessionOutcomeHandler.Decide(Booked.Referral, command);

        events.ShouldBe([new FirstSessionAttended(Given.SessionA, Given.ClinicianA, "Good first meeting.")]);
        var after = Booked.After(events);
        after.Status.ShouldBe(ReferralStatus.Closed);
        after.Closure!.Outcome.ShouldBe(ClosureOutcome.Engaged);
    }

    [Fact]
    public void missed_session_returns_the_referral_to_accepted_for_a_rebooking()
    {
        var command = new RecordFirstSessionOutcome(FirstSessionOutcome.NoShow, null, null);
        RecordFirstSessionOutcomeHandler.Validate(command, Booked.Referral, new RecordFirstSessionOutcomeValidator(), AfterStart)
            .ShouldBeAllowed();

        var events = RecordFirstSessionOutcomeHandler.Decide(Booked.Referral, command);

        events.ShouldBe([new FirstSessionMissed(Given.SessionA, Given.ClinicianA, null)]);
        var after = Booked.After(events);
        after.Status.ShouldBe(ReferralStatus.Accepted);
        after.FirstSession!.Status.ShouldBe(FirstSessionStatus.Missed);
    }

    [Fact]
    public void outcome_waits_until_the_session_has_started() =>
        RecordFirstSessionOutcomeHandler.Validate(
                new RecordFirstSessionOutcome(FirstSessionOutcome.Attended, null, null),
                Booked.Referral,
                new RecordFirstSessionOutcomeValidator(),
                new FakeTimeProvider(Given.SessionStart.AddMinutes(-1)))
            .ShouldBeConflict("sessionNotStarted");

    [Fact]
    public void outcome_needs_a_booked_session() =>
        RecordFirstSessionOutcomeHandler.Validate(
                new RecordFirstSessionOutcome(FirstSessionOutcome.NoShow, null, null),
                Booked.Missed().Referral,
                new RecordFirstSessionOutcomeValidator(),
                AfterStart)
            .ShouldBeConflict("invalidTransition");

    [Fact]
    public void outcome_is_required() =>
        RecordFirstSessionOutcomeHandler.Validate(
                new RecordFirstSessionOutcome(null, null, null), Booked.Referral, new RecordFirstSessionOutcomeValidator(), AfterStart)
            .ShouldBeInvalid("outcome");
}

public class BookingFormatTests
{
    private static readonly FakeTimeProvider Now = new(Given.Start.AddHours(1));

    [Theory]
    [InlineData(FormatPreference.Telehealth, SessionFormat.InPerson, false)]
    [InlineData(FormatPreference.Telehealth, SessionFormat.Telehealth, true)]
    [InlineData(FormatPreference.InPerson, SessionFormat.Telehealth, false)]
    [InlineData(FormatPreference.Either, SessionFormat.InPerson, true)]
    public void a_session_is_booked_only_in_a_format_the_client_accepts(
        FormatPreference wants, SessionFormat booked, bool allowed)
    {
        var accepted = Given.Submitted().Triaged().Proposed().Accepted().Referral;
        var referral = accepted with { Intake = accepted.Intake with { Format = wants } };
        var problem = BookFirstSessionHandler.Validate(
                new BookFirstSession(Now.GetUtcNow().AddDays(2), null, booked, null), referral, Hours.AllWeek, new BookFirstSessionValidator(Now));
        if (allowed) problem.ShouldBeAllowed();
        else problem.ShouldBeConflict("formatNotAccepted");
    }
}
