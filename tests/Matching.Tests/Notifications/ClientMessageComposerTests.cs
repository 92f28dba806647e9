using System.Text;
using Ical.Net;
using Matching.Service.Clinicians;
using Matching.Service.Infrastructure;
using Matching.Service.Notifications;
using Matching.Service.Referrals;
using Matching.Service.Shared;
using Matching.Tests.Operability;
using Matching.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Matching.Tests.Notifications;

/// <summary>The confirmation's and the reminders' decisions and words, without a database, a mail server or a provider.</summary>
public class ClientMessageComposerTests
{
    private const string Url = "https://care.practice.example/r/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde";
    private static readonly SealedClientLink Link = new(Guid.NewGuid(), "sealed");
    private static readonly MatchingOptions Options = new() { PracticeEmail = "care@practice.example", PracticePhone = "303-555-0100" };
    private static readonly TimeZoneInfo Denver = TimeZoneInfo.FindSystemTimeZoneById("America/Denver");

    private static Given Intake(string? email = "ann@example.org", string? phone = "+1 303 555 0100", bool textsOk = true, bool urgent = false)
    {
        var sample = urgent ? Samples.UrgentIntake() : Samples.Intake();
        var intake = sample with { Client = sample.Client! with { Email = email, Phone = phone }, Consent = new Consent(true, true, textsOk) };
        object[] events = urgent
            ? [Samples.Submitted(intake), new RiskFlagged(SelfHarmAnswer.SeveralDays)]
            : [Samples.Submitted(intake)];
        return new Given(Given.Submitted().ReferralId, events);
    }

    // The confirmation.

    [Fact]
    public void the_confirmation_gives_the_reference_the_link_what_happens_next_and_how_to_reach_the_practice()
    {
        var referral = Intake().Referral;

        var mail = ConfirmIntakeToClientHandler.Compose(new ConfirmIntakeToClient(referral.Id, Link), referral, Url, Options)!;

        var reference = ReferralReference.Of(referral.Id);
        mail.Kind.ShouldBe(NotificationKind.IntakeConfirmationToClient);
        mail.To.ShouldBe("ann@example.org");
        mail.Subject.ShouldContain(reference);
        mail.Body.ShouldStartWith("Hello Ann,");
        mail.Body.ShouldContain($"Your reference is {reference}.");
        mail.Body.ShouldContain(Url);
        mail.Body.ShouldContain("What happens next");
        mail.Body.ShouldContain("within one business day");
        mail.Body.ShouldContain("care@practice.example");
        mail.Body.ShouldContain("303-555-0100");
        mail.Body.ShouldContain("you don't have to navigate this alone");
        mail.Body.ShouldNotContain("988");
    }

    [Fact]
    public void an_urgent_confirmation_repeats_the_crisis_resources_before_anything_else()
    {
        var referral = Intake(urgent: true).Referral;

        var body = ConfirmIntakeToClientHandler.Compose(new ConfirmIntakeToClient(referral.Id, Link), referral, Url, Options)!.Body;

        body.IndexOf("988", StringComparison.Ordinal).ShouldBeGreaterThan(0);
        body.IndexOf("911", StringComparison.Ordinal).ShouldBeGreaterThan(0);
        body.IndexOf("988", StringComparison.Ordinal).ShouldBeLessThan(body.IndexOf("Thank you for reaching out", StringComparison.Ordinal));
        body.IndexOf("911", StringComparison.Ordinal).ShouldBeLessThan(body.IndexOf("Your reference", StringComparison.Ordinal));
    }

    [Fact]
    public void without_a_link_that_still_opens_the_confirmation_still_gives_the_reference()
    {
        var referral = Intake().Referral;

        var body = ConfirmIntakeToClientHandler.Compose(new ConfirmIntakeToClient(referral.Id, Link), referral, null, new MatchingOptions())!.Body;

        body.ShouldContain(ReferralReference.Of(referral.Id));
        body.ShouldNotContain("/r/");
        body.ShouldContain("Just reply to this email.");
    }

    [Fact]
    public void no_confirmation_email_without_an_address_or_after_an_erasure()
    {
        var phoneOnly = Intake(email: null).Referral;
        ConfirmIntakeToClientHandler.Compose(new ConfirmIntakeToClient(phoneOnly.Id, Link), phoneOnly, Url, Options).ShouldBeNull();

        var erased = Intake().Then(new ClientDataErased("Counsel approved.")).Referral;
        ConfirmIntakeToClientHandler.Compose(new ConfirmIntakeToClient(erased.Id, Link), erased, Url, Options).ShouldBeNull();
    }

    [Fact]
    public void the_confirmation_text_is_short_and_names_neither_the_client_nor_the_reason()
    {
        var referral = Intake(urgent: true).Referral;

        var text = TextIntakeConfirmationHandler.Compose(new TextIntakeConfirmation(referral.Id, Link), referral, Url, NullLogger())!;

        text.Kind.ShouldBe(NotificationKind.IntakeConfirmationToClient);
        text.To.ShouldBe("+13035550100");
        text.Body.ShouldContain(ReferralReference.Of(referral.Id));
        text.Body.ShouldContain(Url);
        text.Body.ShouldEndWith("Reply STOP to stop texts.");
        foreach (var word in new[] { "Ann", "Lee", "harm", "988", "crisis" }) text.Body.ShouldNotContain(word);
        (text.Body.Length - Url.Length).ShouldBeLessThan(160);
    }

    [Fact]
    public void a_confirmation_text_goes_only_where_the_referral_may_be_texted()
    {
        IEnumerable<object> For(Given given) =>
            IntakeConfirmation.For(given.ReferralId, given.Referral.Intake,
                Matching.Service.Referrals.ClientLink.ClientLinks.Issue(given.ReferralId, Given.Start, TimeSpan.FromDays(30), false),
                new Matching.Service.Referrals.ClientLink.ClientLinkSealer(new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider()));

        For(Intake()).Select(m => m.GetType()).ShouldBe([typeof(ConfirmIntakeToClient), typeof(TextIntakeConfirmation)]);
        For(Intake(textsOk: false)).Select(m => m.GetType()).ShouldBe([typeof(ConfirmIntakeToClient)]);
        For(Intake(phone: null)).Select(m => m.GetType()).ShouldBe([typeof(ConfirmIntakeToClient)]);
        var sent = For(Intake()).OfType<ConfirmIntakeToClient>().Single();
        sent.Link.SealedToken.ShouldNotContain("/r/");

        var stopped = Intake().Then(new TextMessagesStopped("STOP")).Referral;
        TextIntakeConfirmationHandler.Compose(new TextIntakeConfirmation(stopped.Id, Link), stopped, Url, NullLogger()).ShouldBeNull();
    }

    [Fact]
    public void an_invalid_number_is_logged_by_kind_and_referral_only()
    {
        var logs = new CapturingLoggerProvider();
        var referral = Intake(phone: "123 456 7890").Referral;

        TextIntakeConfirmationHandler.Compose(new TextIntakeConfirmation(referral.Id, Link), referral, Url, logs.CreateLogger("test")).ShouldBeNull();

        var line = logs.Lines.Single();
        line.ShouldContain(referral.Id.ToString());
        foreach (var value in new[] { "123 456 7890", "1234567890", "Ann", "Lee", "ann@example.org", Url }) line.ShouldNotContain(value);
    }

    // The reminders' decision.

    private static readonly TimeSpan TwoDays = TimeSpan.FromDays(2);
    private static readonly TimeSpan TwoHours = TimeSpan.FromHours(2);

    private static RemindOfFirstSession Reminder(Given given, TimeSpan lead) =>
        new(given.ReferralId, Given.SessionA, Given.SessionStart, lead);

    private static Given Booked(string? email = "ann@example.org", string? phone = "+1 303 555 0100", bool textsOk = true) =>
        Intake(email, phone, textsOk).Triaged().Proposed().Accepted().Booked();

    [Fact]
    public void a_due_reminder_is_recorded_with_the_channels_that_reach_the_client()
    {
        var given = Booked();

        var decision = RemindOfFirstSessionHandler.Decide(given.Referral, Reminder(given, TwoDays), Given.SessionStart - TwoDays);

        var sent = decision.Events.OfType<FirstSessionReminderSent>().Single();
        sent.ShouldBe(new FirstSessionReminderSent(Given.SessionA, TwoDays, sent.Channels));
        sent.Channels.ShouldBe([ContactChannel.Email, ContactChannel.Sms]);
        given.After(decision.Events).FirstSession!.RemindersSent.ShouldBe([TwoDays]);

        RemindOfFirstSessionHandler.Decide(Booked(textsOk: false).Referral, Reminder(given, TwoDays), Given.SessionStart - TwoDays)
            .Events.OfType<FirstSessionReminderSent>().Single().Channels.ShouldBe([ContactChannel.Email]);
        RemindOfFirstSessionHandler.Decide(Booked(email: null).Referral, Reminder(given, TwoDays), Given.SessionStart - TwoDays)
            .Events.OfType<FirstSessionReminderSent>().Single().Channels.ShouldBe([ContactChannel.Sms]);
        RemindOfFirstSessionHandler.Decide(Booked(email: null, textsOk: false).Referral, Reminder(given, TwoDays), Given.SessionStart - TwoDays)
            .Events.ShouldBeEmpty("nobody to remind");
    }

    [Fact]
    public void a_reminder_is_sent_once_per_lead_time()
    {
        var given = Booked();
        var twoDays = given.Then(new FirstSessionReminderSent(Given.SessionA, TwoDays, [ContactChannel.Email]));

        RemindOfFirstSessionHandler.Decide(twoDays.Referral, Reminder(given, TwoDays), Given.SessionStart - TwoDays).Events.ShouldBeEmpty();
        RemindOfFirstSessionHandler.Decide(twoDays.Referral, Reminder(given, TwoHours), Given.SessionStart - TwoHours).Events.ShouldHaveSingleItem();

        // After an outage delays both, the closer one doesn't send the farther one after it.
        var twoHours = given.Then(new FirstSessionReminderSent(Given.SessionA, TwoHours, [ContactChannel.Email]));
        RemindOfFirstSessionHandler.Decide(twoHours.Referral, Reminder(given, TwoDays), Given.SessionStart - TimeSpan.FromHours(1)).Events.ShouldBeEmpty();
    }

    [Fact]
    public void a_session_moved_cancelled_held_or_erased_gets_no_reminder()
    {
        var given = Booked();
        var due = Given.SessionStart - TwoHours;
        var later = Given.SessionStart.AddDays(2);

        var moved = given.Then(new FirstSessionRescheduled(Given.SessionA, Given.ClinicianA, Given.SessionStart, later, 50));
        RemindOfFirstSessionHandler.Decide(moved.Referral, Reminder(given, TwoHours), due).Events.ShouldBeEmpty();
        RemindOfFirstSessionHandler.Decide(moved.Referral, Reminder(given, TwoHours) with { StartsAt = later }, later - TwoHours)
            .Events.ShouldHaveSingleItem("the new time's reminder");

        var cancelled = given.Then(new FirstSessionCancelled(Given.SessionA, Given.ClinicianA, CancelledBy.Client, "Can't make it."));
        RemindOfFirstSessionHandler.Decide(cancelled.Referral, Reminder(given, TwoHours), due).Events.ShouldBeEmpty();

        RemindOfFirstSessionHandler.Decide(given.Attended().Referral, Reminder(given, TwoHours), due).Events.ShouldBeEmpty();

        var erased = given.Then(new ClientDataErased("Counsel approved."));
        RemindOfFirstSessionHandler.Decide(erased.Referral, Reminder(given, TwoHours), due).Events.ShouldBeEmpty();

        RemindOfFirstSessionHandler.Decide(given.Referral, Reminder(given, TwoHours), Given.SessionStart.AddMinutes(1))
            .Events.ShouldBeEmpty("the session has begun");
    }

    [Fact]
    public void a_reminder_that_fires_early_looks_again_when_due()
    {
        var given = Booked();

        var decision = RemindOfFirstSessionHandler.Decide(given.Referral, Reminder(given, TwoHours), Given.SessionStart - TwoHours - TimeSpan.FromSeconds(3));

        decision.Events.ShouldBeEmpty();
        decision.LookAgainAt.ShouldBe(Given.SessionStart - TwoHours);
    }

    // The reminders' words.

    private static readonly ClinicianProfile Grace = new("Grace Kim", "LPC", "grace@practice.example", "America/Denver", ["CO"], ["CO"],
        [SessionFormat.Telehealth, SessionFormat.InPerson], [SessionType.Individual], [AgeGroup.Adult], [Concern.Trauma], [], ["English"],
        [], 150m, null, Gender.Female, true, false, false, "1550 Larimer St, Suite 400, Denver, CO 80202", "https://video.example.org/grace-kim");

    private static FirstSessionNotice Notice(Given given, ClinicianProfile? profile, DateTimeOffset now)
    {
        var referral = given.Referral;
        var clinician = profile is null ? null : new Clinician { Id = Given.ClinicianA, Profile = profile };
        return new FirstSessionNotice(referral, referral.FirstSession!, clinician, "hello@practice.example", Denver, now);
    }

    [Fact]
    public void the_reminder_email_says_when_in_the_practice_zone_how_long_where_and_how_to_change_it()
    {
        // Given.SessionStart is Monday 9 March 2026, 16:00 UTC: 10:00 in Denver, the first weekday of daylight saving time.
        var given = Booked();
        var message = new SendFirstSessionReminder(given.ReferralId, Given.SessionA, TwoDays, Link);

        var mail = SendFirstSessionReminderHandler.Compose(message, Notice(given, Grace, Given.SessionStart - TwoDays), Url, Options)!;

        mail.Kind.ShouldBe(NotificationKind.FirstSessionReminderToClient);
        mail.To.ShouldBe("ann@example.org");
        mail.Subject.ShouldBe("Reminder: your first session, Mon 9 Mar 10:00 MDT");
        mail.Body.ShouldContain("Monday 9 March 2026 at 10:00 AM MDT (50 minutes)");
        mail.Body.ShouldContain("Grace Kim, LPC");
        mail.Body.ShouldContain("By video. Join a few minutes early here: https://video.example.org/grace-kim");
        mail.Body.ShouldContain("reschedule or cancel on your page until Sun 8 Mar 10:00 MDT");
        mail.Body.ShouldContain(Url);
        var invitation = Calendar.Load(Encoding.UTF8.GetString(mail.Files.Single().Content))!.Events.Single();
        invitation.Uid.ShouldBe(FirstSessionInvitation.Uid(Given.SessionA));
        invitation.Location.ShouldBe("Telehealth (video): https://video.example.org/grace-kim");
    }

    [Fact]
    public void an_in_person_reminder_gives_the_office_address_and_past_the_cutoff_says_to_call()
    {
        var given = Intake().Triaged().Proposed().Accepted()
            .Then(new FirstSessionBooked(Given.SessionA, Given.ClinicianA, Given.SessionStart, 50, SessionFormat.InPerson));
        var message = new SendFirstSessionReminder(given.ReferralId, Given.SessionA, TwoHours, Link);

        var mail = SendFirstSessionReminderHandler.Compose(message, Notice(given, Grace, Given.SessionStart - TwoHours), Url, Options)!;

        mail.Body.ShouldContain("In person at 1550 Larimer St, Suite 400, Denver, CO 80202.");
        mail.Body.ShouldContain("too close to the session to change it online");
        mail.Body.ShouldContain("303-555-0100");
        mail.Body.ShouldNotContain("reschedule or cancel on your page");
        Calendar.Load(Encoding.UTF8.GetString(mail.Files.Single().Content))!.Events.Single().Location
            .ShouldBe("In person at 1550 Larimer St, Suite 400, Denver, CO 80202");

        var withoutPlace = SendFirstSessionReminderHandler.Compose(message, Notice(given, Grace with { OfficeAddress = null }, Given.SessionStart - TwoHours), Url, Options)!;
        withoutPlace.Body.ShouldContain("In person at our office.");
    }

    [Fact]
    public void the_reminder_text_has_the_time_the_place_and_the_link_but_no_name()
    {
        var given = Booked();
        var referral = given.Referral;
        var message = new TextFirstSessionReminder(given.ReferralId, Given.SessionA, TwoDays, Link);

        var text = TextFirstSessionReminderHandler.Compose(message, referral, referral.FirstSession, Grace, Url, Options, Given.SessionStart - TwoDays, NullLogger())!;

        text.To.ShouldBe("+13035550100");
        text.Body.ShouldStartWith("Reminder: your first session is Mon 9 Mar 10:00 MDT, by video (https://video.example.org/grace-kim), 50 min.");
        text.Body.ShouldContain($"To reschedule or cancel: {Url}");
        text.Body.ShouldEndWith("Reply STOP to stop texts.");
        foreach (var word in new[] { "Ann", "Lee", "Grace Kim" }) text.Body.ShouldNotContain(word);

        var late = TextFirstSessionReminderHandler.Compose(message, referral, referral.FirstSession, Grace, Url, Options, Given.SessionStart - TwoHours, NullLogger())!;
        late.Body.ShouldContain("Can't make it? Call us at 303-555-0100.");

        var unconsented = Booked(textsOk: false).Referral;
        TextFirstSessionReminderHandler.Compose(message, unconsented, unconsented.FirstSession, Grace, Url, Options, Given.SessionStart - TwoDays, NullLogger())
            .ShouldBeNull();
    }

    private static ILogger NullLogger() => Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
}
