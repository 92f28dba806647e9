using System.Text;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Matching.Service.Clinicians;
using Matching.Service.Notifications;
using Matching.Service.Referrals;
using Matching.Service.Shared;
using Matching.Tests.Support;

namespace Matching.Tests.Notifications;

/// <summary>The first session's invitation, built from the referral's events and parsed back with Ical.Net.</summary>
public class FirstSessionInvitationTests
{
    private static readonly TimeZoneInfo Denver = TimeZoneInfo.FindSystemTimeZoneById("America/Denver");

    // Daylight saving time starts in Denver on Sunday 8 March 2026: 10:00 is 17:00 UTC before, 16:00 UTC after.
    private static readonly DateTimeOffset FridayBeforeDst = new(2026, 3, 6, 17, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset MondayAfterDst = new(2026, 3, 9, 16, 0, 0, TimeSpan.Zero);

    private static Given Booked(SessionFormat format = SessionFormat.Telehealth) =>
        Given.Submitted().Triaged().Proposed().Accepted()
            .Then(new FirstSessionBooked(Given.SessionA, Given.ClinicianA, FridayBeforeDst, 50, format));

    private static Given Rescheduled(Given booked, DateTimeOffset to) =>
        booked.Then(new FirstSessionRescheduled(Given.SessionA, Given.ClinicianA, booked.Referral.FirstSession!.StartsAt, to, 50));

    private static Given Cancelled(Given booked) =>
        booked.Then(new FirstSessionCancelled(Given.SessionA, Given.ClinicianA, CancelledBy.Client, "Found a closer office."));

    private static (Calendar Calendar, CalendarEvent Event, NotificationAttachment File) Invitation(Given given, IReadOnlyList<string>? officeStates = null)
    {
        var file = FirstSessionInvitation.Attachment(given.Referral.FirstSession!, "Grace Kim", officeStates ?? ["CO"],
            "hello@practice.example", Denver, Given.Start);
        var calendar = Calendar.Load(Encoding.UTF8.GetString(file.Content))!;
        return (calendar, calendar.Events.Single(), file);
    }

    [Fact]
    public void a_booking_is_a_request_for_the_session_in_the_practice_zone()
    {
        var (calendar, e, file) = Invitation(Booked());

        file.FileName.ShouldBe("invite.ics");
        file.ContentType.ShouldStartWith("text/calendar; method=REQUEST");
        calendar.Method.ShouldBe("REQUEST");
        e.Uid.ShouldBe(FirstSessionInvitation.Uid(Given.SessionA));
        e.Sequence.ShouldBe(0);
        e.Status.ShouldBe("CONFIRMED");
        e.DtStart!.TzId.ShouldBe("America/Denver");
        e.DtStart.Value.ShouldBe(new DateTime(2026, 3, 6, 10, 0, 0));
        e.DtStart.AsUtc.ShouldBe(FridayBeforeDst.UtcDateTime);
        e.DtEnd!.AsUtc.ShouldBe(FridayBeforeDst.AddMinutes(50).UtcDateTime);
        calendar.TimeZones.Single().TzId.ShouldBe("America/Denver");
        e.Summary.ShouldBe("First session with Grace Kim");
        e.Location.ShouldStartWith("Telehealth");
        e.Organizer!.Value!.ToString().ShouldBe("mailto:hello@practice.example");
    }

    [Fact]
    public void the_invitation_names_no_client_and_no_clinical_detail()
    {
        var given = Booked();
        var text = Encoding.UTF8.GetString(Invitation(given).File.Content);
        var client = given.Referral.Intake.Client;

        foreach (var personal in new[] { client.FirstName, client.LastName, client.Email, client.Phone, given.Referral.Intake.Payment.MemberId })
            if (!string.IsNullOrEmpty(personal)) text.ShouldNotContain(personal, Case.Insensitive);
        text.ShouldNotContain("DESCRIPTION");
    }

    [Fact]
    public void an_in_person_session_is_located_at_the_clinicians_office_state()
    {
        var (_, e, _) = Invitation(Booked(SessionFormat.InPerson), ["CO", "WY"]);

        e.Location.ShouldBe("In person at the office (CO, WY)");
    }

    [Fact]
    public void a_reschedule_across_the_dst_change_updates_the_same_event_with_a_higher_sequence()
    {
        var booked = Booked();
        var moved = Rescheduled(booked, MondayAfterDst);

        var (before, first, _) = Invitation(booked);
        var (calendar, e, _) = Invitation(moved);

        calendar.Method.ShouldBe("REQUEST");
        e.Uid.ShouldBe(first.Uid);
        e.Sequence.ShouldBeGreaterThan(first.Sequence);
        // Same wall-clock time, one hour less from UTC: the offset comes from the zone, not the booking's.
        e.DtStart!.Value.ShouldBe(new DateTime(2026, 3, 9, 10, 0, 0));
        e.DtStart.AsUtc.ShouldBe(MondayAfterDst.UtcDateTime);
        first.DtStart!.Value.TimeOfDay.ShouldBe(e.DtStart.Value.TimeOfDay);
        (first.DtStart.AsUtc.TimeOfDay - e.DtStart.AsUtc.TimeOfDay).ShouldBe(TimeSpan.FromHours(1));
        before.TimeZones.Single().TzId.ShouldBe(calendar.TimeZones.Single().TzId);

        var again = Invitation(Rescheduled(moved, MondayAfterDst.AddDays(1))).Event;
        again.Uid.ShouldBe(first.Uid);
        again.Sequence.ShouldBeGreaterThan(e.Sequence);
    }

    [Fact]
    public void a_cancellation_cancels_the_same_event()
    {
        var moved = Rescheduled(Booked(), MondayAfterDst);

        var (calendar, e, file) = Invitation(Cancelled(moved));

        calendar.Method.ShouldBe("CANCEL");
        file.ContentType.ShouldStartWith("text/calendar; method=CANCEL");
        e.Status.ShouldBe("CANCELLED");
        e.Uid.ShouldBe(FirstSessionInvitation.Uid(Given.SessionA));
        e.Sequence.ShouldBeGreaterThan(Invitation(moved).Event.Sequence);
        e.DtStart!.AsUtc.ShouldBe(MondayAfterDst.UtcDateTime);
    }

    [Fact]
    public void only_the_message_of_the_current_revision_is_sent()
    {
        var booked = Booked();
        var moved = Rescheduled(booked, MondayAfterDst);
        var cancelled = Cancelled(moved);

        FirstSessionNotice.Current(booked.Referral, Given.SessionA, 0).ShouldNotBeNull();
        FirstSessionNotice.Current(moved.Referral, Given.SessionA, 0).ShouldBeNull();
        FirstSessionNotice.Current(moved.Referral, Given.SessionA, 1).ShouldNotBeNull();
        FirstSessionNotice.Current(cancelled.Referral, Given.SessionA, 1).ShouldBeNull();
        FirstSessionNotice.Current(cancelled.Referral, Given.SessionA, 2).ShouldNotBeNull();
        FirstSessionNotice.Current(booked.Referral, Guid.NewGuid(), 0).ShouldBeNull();
        FirstSessionNotice.Current(booked.Attended().Referral, Given.SessionA, 0).ShouldBeNull();
    }

    [Fact]
    public void the_clinician_hears_the_clients_first_name_and_initial_only()
    {
        var given = Booked();
        var clinician = new Clinician { Profile = ClinicianProfileFor("Grace Kim") };
        var notice = new FirstSessionNotice(given.Referral, given.Referral.FirstSession!, clinician, "hello@practice.example", Denver, Given.Start);

        var mail = NotifyClinicianOfFirstSessionHandler.Compose(new NotifyClinicianOfFirstSession(given.ReferralId, Given.SessionA), notice)!;

        var client = given.Referral.Intake.Client;
        mail.To.ShouldBe("grace@practice.example");
        mail.Body.ShouldContain($"{client.FirstName} {client.LastName![0]}.");
        mail.Body.ShouldContain("Friday 6 March 2026 at 10:00 AM MST");
        foreach (var personal in new[] { client.LastName, client.Email, client.Phone })
            (mail.Subject + mail.Body).ShouldNotContain(personal!);
        mail.Files.Single().FileName.ShouldBe("invite.ics");
    }

    [Fact]
    public void the_client_hears_of_a_move_in_the_practice_zone_with_its_abbreviation()
    {
        var given = Rescheduled(Booked(), MondayAfterDst);
        var notice = new FirstSessionNotice(given.Referral, given.Referral.FirstSession!, null, "hello@practice.example", Denver, Given.Start);

        var mail = NotifyClientOfFirstSessionHandler.Compose(new NotifyClientOfFirstSession(given.ReferralId, Given.SessionA, 1), notice)!;

        mail.Subject.ShouldBe("Your first session has moved");
        mail.Body.ShouldContain("Monday 9 March 2026 at 10:00 AM MDT");
        mail.Files.Single().ContentType.ShouldStartWith("text/calendar; method=REQUEST");
    }

    private static ClinicianProfile ClinicianProfileFor(string name) =>
        new(name, "LPC", "grace@practice.example", "America/Denver", ["CO"], ["CO"], [SessionFormat.Telehealth], [SessionType.Individual],
            [AgeGroup.Adult], [Concern.Trauma], [Modality.Emdr], ["English"], [], null, null, null, false, false, false);
}
