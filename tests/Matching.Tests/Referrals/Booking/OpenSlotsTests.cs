using Matching.Service.Referrals;
using Matching.Service.Referrals.Booking;
using Matching.Service.Shared;
using Matching.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Matching.Tests.Referrals.Booking;

/// <summary>Clinician hours for decision tests.</summary>
internal static class Hours
{
    public static readonly TimeZoneInfo DenverZone = TimeZoneInfo.FindSystemTimeZoneById("America/Denver");

    /// <summary>Every day, all day (UTC): no time a test books is outside them.</summary>
    public static readonly ClinicianHours AllWeek = new(
        Enum.GetValues<WeekDay>().Select(d => new AvailabilityWindow(d, "00:00", "23:59")).ToList(), TimeZoneInfo.Utc,
        [SessionFormat.InPerson, SessionFormat.Telehealth]);

    public static ClinicianHours In(string zone, params (WeekDay Day, string From, string To)[] windows) => new(
        windows.Select(w => new AvailabilityWindow(w.Day, w.From, w.To)).ToList(), TimeZoneInfo.FindSystemTimeZoneById(zone),
        [SessionFormat.InPerson, SessionFormat.Telehealth]);

    public static ClinicianHours Denver(params (WeekDay Day, string From, string To)[] windows) => In("America/Denver", windows);
}

public class OpenSlotsTests
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private static DateTimeOffset Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    private static IReadOnlyList<OpenSlot> Slots(
        ClinicianHours hours, DateTimeOffset now, FormatPreference client = FormatPreference.Either, params BookedTime[] booked) =>
        OpenSlots.Compute(hours, client, booked, now, Day);

    private static string Local(OpenSlot slot) => TimeZoneInfo.ConvertTime(slot.StartsAt, Hours.DenverZone).ToString("yyyy-MM-dd HH:mm");

    [Fact]
    public void a_morning_window_stays_nine_oclock_local_on_both_sides_of_the_spring_change()
    {
        // Sundays 1, 8 and 15 March 2026; Denver moves to daylight time on the 8th.
        var slots = Slots(Hours.Denver((WeekDay.Sunday, "09:00", "12:00")), Utc(2, 27, 19));

        slots.Select(Local).ShouldBe([
            "2026-03-01 09:00", "2026-03-01 09:30", "2026-03-01 10:00", "2026-03-01 10:30", "2026-03-01 11:00",
            "2026-03-08 09:00", "2026-03-08 09:30", "2026-03-08 10:00", "2026-03-08 10:30", "2026-03-08 11:00",
            "2026-03-15 09:00", "2026-03-15 09:30", "2026-03-15 10:00", "2026-03-15 10:30", "2026-03-15 11:00"]);
        slots[0].StartsAt.ShouldBe(Utc(3, 1, 16));
        slots[5].StartsAt.ShouldBe(Utc(3, 8, 15));
        slots.ShouldAllBe(s => s.DurationMinutes == 50);
    }

    [Fact]
    public void a_morning_window_stays_nine_oclock_local_on_both_sides_of_the_autumn_change()
    {
        var slots = Slots(Hours.Denver((WeekDay.Sunday, "09:00", "10:00")), Utc(10, 23, 19));

        slots.Select(Local).ShouldBe(["2026-10-25 09:00", "2026-11-01 09:00", "2026-11-08 09:00"]);
        slots.Select(s => s.StartsAt).ShouldBe([Utc(10, 25, 15), Utc(11, 1, 16), Utc(11, 8, 16)]);
    }

    [Fact]
    public void starts_in_the_skipped_hour_are_not_offered()
    {
        var slots = Slots(Hours.Denver((WeekDay.Sunday, "01:30", "04:00")), Utc(3, 6, 19))
            .Where(s => s.StartsAt < Utc(3, 9, 0)).ToList();

        // 02:00 and 02:30 don't exist on 8 March; 01:30 is still standard time, 03:00 daylight time.
        slots.Select(s => s.StartsAt).ShouldBe([Utc(3, 8, 8, 30), Utc(3, 8, 9)]);
    }

    [Fact]
    public void a_repeated_start_is_offered_once_at_its_first_occurrence()
    {
        var slots = Slots(Hours.Denver((WeekDay.Sunday, "01:00", "02:00")), Utc(10, 30, 19))
            .Where(s => s.StartsAt < Utc(11, 2, 0)).ToList();

        slots.Select(s => s.StartsAt).ShouldBe([Utc(11, 1, 7)]);
    }

    [Fact]
    public void slots_overlapping_a_booked_session_are_removed_and_adjacent_ones_kept()
    {
        var hours = Hours.Denver((WeekDay.Tuesday, "09:00", "13:00"));
        // Tuesday 10 March 2026 (daylight time, UTC-6): booked 09:10-10:00 and 11:50-12:40 local.
        var slots = Slots(hours, Utc(3, 6, 19), FormatPreference.Either,
                new BookedTime(Utc(3, 10, 15, 10), Utc(3, 10, 16)), new BookedTime(Utc(3, 10, 17, 50), Utc(3, 10, 18, 40)))
            .Where(s => s.StartsAt.Date == new DateTime(2026, 3, 10)).ToList();

        slots.Select(Local).ShouldBe(["2026-03-10 10:00", "2026-03-10 10:30", "2026-03-10 11:00"]);
    }

    [Fact]
    public void nothing_is_offered_inside_the_booking_notice()
    {
        var hours = Hours.Denver((WeekDay.Tuesday, "09:00", "10:00"));

        // Monday 2 March 09:00 MST: a day's notice reaches Tuesday 09:00 exactly.
        Slots(hours, Utc(3, 2, 16)).First().StartsAt.ShouldBe(Utc(3, 3, 16));
        Slots(hours, Utc(3, 2, 16, 1)).First().StartsAt.ShouldBe(Utc(3, 10, 15));
        OpenSlots.Compute(hours, FormatPreference.Either, [], Utc(3, 2, 16), TimeSpan.FromDays(3)).First().StartsAt.ShouldBe(Utc(3, 10, 15));
    }

    [Fact]
    public void nothing_is_offered_beyond_twenty_one_days()
    {
        var now = Utc(3, 2, 16);
        var slots = Slots(Hours.Denver((WeekDay.Monday, "09:00", "12:00"), (WeekDay.Tuesday, "09:00", "12:00")), now);

        slots.ShouldAllBe(s => s.StartsAt <= now.AddDays(21));
        // Monday 23 March 09:00 MDT is 15:00Z: 21 days from Monday 2 March 16:00Z end after its 10:00 slot.
        slots.Last().StartsAt.ShouldBe(Utc(3, 23, 16));
        slots.ShouldNotContain(s => s.StartsAt.Date == new DateTime(2026, 3, 24));
    }

    [Theory]
    [InlineData(FormatPreference.Telehealth, new[] { SessionFormat.InPerson, SessionFormat.Telehealth }, new[] { SessionFormat.Telehealth })]
    [InlineData(FormatPreference.Either, new[] { SessionFormat.Telehealth, SessionFormat.InPerson }, new[] { SessionFormat.InPerson, SessionFormat.Telehealth })]
    [InlineData(FormatPreference.InPerson, new[] { SessionFormat.Telehealth }, new SessionFormat[0])]
    public void slots_offer_only_formats_both_accept(FormatPreference client, SessionFormat[] clinician, SessionFormat[] offered)
    {
        var hours = Hours.Denver((WeekDay.Tuesday, "09:00", "10:00")) with { Formats = clinician };
        var slots = Slots(hours, Utc(3, 2, 16), client);

        if (offered.Length == 0) slots.ShouldBeEmpty();
        else slots.ShouldAllBe(s => s.Formats.SequenceEqual(offered));
    }

    [Theory]
    [InlineData(16, 0, 50, true)]   // Tue 3 Mar 09:00 MST, 50 min inside 09:00-12:00
    [InlineData(18, 10, 50, true)]  // 11:10-12:00 ends on the window's end
    [InlineData(18, 30, 50, false)] // 11:30-12:20 runs past it
    [InlineData(15, 30, 50, false)] // 08:30 starts before it
    public void a_session_is_within_hours_only_wholly_inside_a_window(int hour, int minute, int duration, bool within) =>
        OpenSlots.WithinHours(Hours.Denver((WeekDay.Tuesday, "09:00", "12:00")), Utc(3, 3, hour, minute), duration).ShouldBe(within);

    [Fact]
    public void within_hours_reads_the_window_in_local_time_after_the_change() =>
        // Tue 10 March 09:00 MDT is 15:00Z; 16:00Z would have been 09:00 a week earlier.
        OpenSlots.WithinHours(Hours.Denver((WeekDay.Tuesday, "09:00", "09:50")), Utc(3, 10, 15), 50).ShouldBeTrue();
}

public class BookingWithinAvailabilityTests
{
    private static readonly FakeTimeProvider Now = new(Given.Start.AddHours(1));
    // Given.Start is Monday 2 March 2026 09:00 MST; the clinician works Tuesdays 09:00-12:00.
    private static readonly ClinicianHours Tuesdays = Hours.Denver((WeekDay.Tuesday, "09:00", "12:00"));
    private static readonly DateTimeOffset Inside = new(2026, 3, 3, 16, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Outside = new(2026, 3, 3, 20, 0, 0, TimeSpan.Zero);

    [Fact]
    public void booking_outside_the_clinicians_hours_is_refused_without_a_reason()
    {
        var accepted = Given.Submitted().Triaged().Proposed().Accepted().Referral;
        BookFirstSessionHandler.Validate(new BookFirstSession(Outside, null, SessionFormat.Telehealth, null), accepted, Tuesdays,
            new BookFirstSessionValidator(Now)).ShouldBeConflict("outsideAvailability");
        BookFirstSessionHandler.Validate(new BookFirstSession(Outside, null, SessionFormat.Telehealth, null, "  "), accepted, Tuesdays,
            new BookFirstSessionValidator(Now)).ShouldBeConflict("outsideAvailability");
        BookFirstSessionHandler.Validate(new BookFirstSession(Inside, null, SessionFormat.Telehealth, null), accepted, Tuesdays,
            new BookFirstSessionValidator(Now)).ShouldBeAllowed();
    }

    [Fact]
    public void a_reason_books_outside_the_hours_and_is_recorded()
    {
        var accepted = Given.Submitted().Triaged().Proposed().Accepted().Referral;
        var command = new BookFirstSession(Outside, null, SessionFormat.Telehealth, null, " Client can only come after work. ");
        BookFirstSessionHandler.Validate(command, accepted, Tuesdays, new BookFirstSessionValidator(Now)).ShouldBeAllowed();

        BookFirstSessionHandler.Decide(accepted, command, Given.SessionA).ShouldBe([
            new FirstSessionBooked(Given.SessionA, Given.ClinicianA, Outside, 50, SessionFormat.Telehealth, "Client can only come after work.")]);
    }

    [Fact]
    public void rescheduling_outside_the_hours_needs_a_reason_and_records_it()
    {
        var booked = Given.Submitted().Triaged().Proposed().Accepted().Booked().Referral;
        RescheduleFirstSessionHandler.Validate(new RescheduleFirstSession(Outside.AddDays(7), null), booked, Tuesdays,
            new RescheduleFirstSessionValidator(Now)).ShouldBeConflict("outsideAvailability");
        RescheduleFirstSessionHandler.Validate(new RescheduleFirstSession(Inside.AddDays(7).AddHours(-1), null), booked, Tuesdays,
            new RescheduleFirstSessionValidator(Now)).ShouldBeAllowed();

        var command = new RescheduleFirstSession(Outside.AddDays(7), null, "Clinician agreed by phone.");
        RescheduleFirstSessionHandler.Validate(command, booked, Tuesdays, new RescheduleFirstSessionValidator(Now)).ShouldBeAllowed();
        RescheduleFirstSessionHandler.Decide(booked, command).ShouldBe([
            new FirstSessionRescheduled(Given.SessionA, Given.ClinicianA, Given.SessionStart, Outside.AddDays(7), 50, "Clinician agreed by phone.")]);
    }
}
