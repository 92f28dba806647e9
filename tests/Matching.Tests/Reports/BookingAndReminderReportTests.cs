using System.Net;
using System.Text.Json.Nodes;
using JasperFx.Events;
using Marten;
using Marten.Events;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Shared;
using Matching.Tests.Support;
using static Matching.Tests.Reports.StampedReferrals;

namespace Matching.Tests.Reports;

/// <summary>
/// A referral's events appended straight to the store, each stamped with the actor a request would give it and at a set
/// time: for reports of what the commands that make them (the client's own booking, the reminders) record.
/// </summary>
public static class StampedReferrals
{
    private static readonly Guid Clinician = Guid.CreateVersion7();

    /// <summary>The first session booked, and a second one should the first be missed.</summary>
    public sealed record Sessions(Guid A, Guid B);

    public static readonly Actor Client = new(Roles.Client, Roles.Client, Roles.Client);
    public static readonly Actor Coordinator = new("coordinator-1", "Casey Coordinator", Roles.Coordinator);
    /// <summary>The reminders go out from a timer, as the system.</summary>
    public static readonly Actor ByTimer = Actor.System;

    public static Func<Sessions, (TimeSpan, object)> Booking(Func<Sessions, Guid> session, int hoursAfterIntake, DateTimeOffset intake) => s =>
        (TimeSpan.FromHours(24), new FirstSessionBooked(session(s), Clinician, intake.AddHours(hoursAfterIntake), 50, SessionFormat.Telehealth));

    public static Func<Sessions, (TimeSpan, object)> Moved(Func<Sessions, Guid> session, int fromHours, int toHours, DateTimeOffset intake) => s =>
        (TimeSpan.FromHours(1), new FirstSessionRescheduled(session(s), Clinician, intake.AddHours(fromHours), intake.AddHours(toHours), 50));

    public static Func<Sessions, (TimeSpan, object)> Reminder(Func<Sessions, Guid> session, TimeSpan lead, params ContactChannel[] channels) => s =>
        (TimeSpan.FromHours(1), new FirstSessionReminderSent(session(s), lead, channels));

    public static Func<Sessions, (TimeSpan, object)> Attended(Func<Sessions, Guid> session) => s =>
        (TimeSpan.FromDays(3), new FirstSessionAttended(session(s), Clinician, null));

    public static Func<Sessions, (TimeSpan, object)> Missed(Func<Sessions, Guid> session) => s =>
        (TimeSpan.FromDays(3), new FirstSessionMissed(session(s), Clinician, null));

    /// <summary>
    /// A referral submitted at <paramref name="intake"/> (its intake date that day in UTC), then accepted unless no steps are
    /// given, then the steps, each by its actor some time after the one before.
    /// </summary>
    public static async Task AppendAsync(IDocumentStore store, DateTimeOffset intake, string name,
        params (Actor By, Func<Sessions, (TimeSpan After, object Event)> Step)[] steps)
    {
        var sessions = new Sessions(Guid.CreateVersion7(), Guid.CreateVersion7());
        var proposal = Guid.CreateVersion7();
        var at = intake;
        var events = new List<IEvent>
        {
            Stamped(Samples.Submitted(Samples.Intake() with { Notes = $"Referral {name}" }, DateOnly.FromDateTime(intake.UtcDateTime)), Actor.Anonymous, at),
            Stamped(new ReferralTriaged(TriagePriority.Routine, null), Coordinator, at = at.AddHours(1)),
            Stamped(new MatchProposed(proposal, Clinician, at.AddHours(72), null, null, null), Coordinator, at = at.AddHours(1)),
            Stamped(new ProposalAccepted(proposal, Clinician, null), new Actor("clinician-1", "Grace Kim", Roles.Clinician), at = at.AddHours(1))
        };
        if (steps.Length == 0) events.RemoveRange(1, 3);
        foreach (var (by, step) in steps)
        {
            var (after, data) = step(sessions);
            events.Add(Stamped(data, by, at = at.Add(after)));
        }
        await using var session = store.LightweightSession();
        session.Events.StartStream<Referral>(Guid.CreateVersion7(), events.Cast<object>().ToArray());
        await session.SaveChangesAsync();
    }

    private static IEvent Stamped(object data, Actor by, DateTimeOffset at)
    {
        var e = (IEvent)Activator.CreateInstance(typeof(Event<>).MakeGenericType(data.GetType()), data)!;
        e.Timestamp = at;
        e.SetHeader(Actor.SubHeader, by.Sub);
        e.SetHeader(Actor.NameHeader, by.Name);
        e.SetHeader(Actor.RoleHeader, by.Role);
        return e;
    }
}

/// <summary>Six referrals of one intake day (2026-03-02): who booked, which sessions were reminded, how they ended.</summary>
public sealed class BookingReportsFixture : AppFixture, IAsyncLifetime
{
    public static readonly DateTimeOffset Intake = new(2026, 3, 2, 17, 0, 0, TimeSpan.Zero);
    public static readonly TimeSpan TwoDays = TimeSpan.FromDays(2), TwoHours = TimeSpan.FromHours(2);
    /// <summary>Referral → hours from intake to the first session as it stands, and whether the client booked it.</summary>
    public Dictionary<string, (double Hours, bool SelfBooked)> Booked { get; } = new();

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        // a: self-booked, reminded twice (email and text two days ahead, email two hours ahead), attended.
        await AddReferral("a", (Client, Booking(s => s.A, 120, Intake)), (ByTimer, Reminder(s => s.A, TwoDays, ContactChannel.Email, ContactChannel.Sms)),
            (ByTimer, Reminder(s => s.A, TwoHours, ContactChannel.Email)), (Coordinator, Attended(s => s.A)));
        // b: booked by a coordinator, reminded by email, missed.
        await AddReferral("b", (Coordinator, Booking(s => s.A, 72, Intake)), (ByTimer, Reminder(s => s.A, TwoDays, ContactChannel.Email)),
            (Coordinator, Missed(s => s.A)));
        // c: booked by a coordinator, no reminder, missed; re-booked by the client, no reminder, attended.
        await AddReferral("c", (Coordinator, Booking(s => s.A, 48, Intake)), (Coordinator, Missed(s => s.A)),
            (Client, Booking(s => s.B, 200, Intake)), (Coordinator, Attended(s => s.B)));
        // d: self-booked, reminded by text two hours ahead, not held yet.
        await AddReferral("d", (Client, Booking(s => s.A, 300, Intake)), (ByTimer, Reminder(s => s.A, TwoHours, ContactChannel.Sms)));
        // f: booked by a coordinator, moved by the client, reminded by email and text, attended.
        await AddReferral("f", (Coordinator, Booking(s => s.A, 96, Intake)), (Client, Moved(s => s.A, 96, 110, Intake)),
            (ByTimer, Reminder(s => s.A, TwoDays, ContactChannel.Email, ContactChannel.Sms)), (Coordinator, Attended(s => s.A)));
        // e: only submitted.
        await AddReferral("e");
        Booked["a"] = (120, true);
        Booked["b"] = (72, false);
        Booked["c"] = (200, true);
        Booked["d"] = (300, true);
        Booked["f"] = (110, false);
        await Store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
    }

    private Task AddReferral(string name, params (Actor By, Func<StampedReferrals.Sessions, (TimeSpan After, object Event)> Step)[] steps) =>
        StampedReferrals.AppendAsync(Store, Intake, name, steps);
}

public class BookingAndReminderReportTests(BookingReportsFixture app) : IClassFixture<BookingReportsFixture>
{
    private async Task<JsonNode> Report(string path)
    {
        var (status, body) = await app.Host.Get($"/api/reports/{path}?from=2026-03-01&to=2026-03-31", Tokens.Analyst);
        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        return body!;
    }

    private async Task<string[]> Csv(string path)
    {
        using var client = app.Host.Client(Tokens.Analyst);
        client.DefaultRequestHeaders.Accept.ParseAdd("text/csv");
        using var response = await client.GetAsync($"/api/reports/{path}?from=2026-03-01&to=2026-03-31");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.Contains("X-Report-As-Of-Sequence").ShouldBeTrue();
        return (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task the_funnel_splits_bookings_by_who_made_the_booking_that_stands()
    {
        var funnel = await Report("funnel");

        funnel["submitted"]!.GetValue<int>().ShouldBe(6);
        funnel["booked"]!.GetValue<int>().ShouldBe(5);
        // c was booked by a coordinator first, then re-booked by the client: the booking that stands is the client's.
        // f was moved by the client, but a coordinator booked it.
        funnel["selfBooked"]!.GetValue<int>().ShouldBe(3);
        funnel["coordinatorBooked"]!.GetValue<int>().ShouldBe(2);
        funnel["attended"]!.GetValue<int>().ShouldBe(3);
        funnel["attendedSelfBooked"]!.GetValue<int>().ShouldBe(2);
        funnel["attendedCoordinatorBooked"]!.GetValue<int>().ShouldBe(1);
        var month = funnel["months"]!.AsArray().Single()!["counts"]!;
        month["selfBooked"]!.GetValue<int>().ShouldBe(3);
        month["coordinatorBooked"]!.GetValue<int>().ShouldBe(2);

        var csv = await Csv("funnel");
        csv[0].ShouldBe("month,submitted,triaged,proposed,accepted,booked,attended,proposals,rematches,selfBooked,coordinatorBooked,attendedSelfBooked,attendedCoordinatorBooked");
        csv[^1].ShouldBe("all,6,5,5,5,5,3,5,0,3,2,2,1");
    }

    [Fact]
    public async Task time_to_first_session_is_summarised_for_self_booked_and_coordinator_booked_sessions_apart()
    {
        var report = await Report("time-to-first-session");

        var self = app.Booked.Values.Where(b => b.SelfBooked).Select(b => b.Hours).Order().ToList();
        var coordinator = app.Booked.Values.Where(b => !b.SelfBooked).Select(b => b.Hours).Order().ToList();
        report["count"]!.GetValue<int>().ShouldBe(5);
        report["selfBooked"]!["count"]!.GetValue<int>().ShouldBe(3);
        report["selfBooked"]!["medianHours"]!.GetValue<double>().ShouldBe(self[1]);
        report["coordinatorBooked"]!["count"]!.GetValue<int>().ShouldBe(2);
        report["coordinatorBooked"]!["medianHours"]!.GetValue<double>().ShouldBe((coordinator[0] + coordinator[1]) / 2);

        var csv = await Csv("time-to-first-session");
        csv.ShouldContain("intakeToSelfBookedFirstSession,3,200,280");
        csv.ShouldContain("intakeToCoordinatorBookedFirstSession,2,91,106.2");
    }

    [Fact]
    public async Task reminders_are_counted_by_lead_time_and_channel_with_the_no_show_rate_with_and_without_one()
    {
        var report = await Report("reminders");

        report["remindersSent"]!.GetValue<int>().ShouldBe(5);
        report["sessionsReminded"]!.GetValue<int>().ShouldBe(4);
        var sent = report["sent"]!.AsArray().Select(r => (r!["leadHours"]!.GetValue<double>(), r["channel"]!.GetValue<string>(), r["sent"]!.GetValue<int>()));
        sent.ShouldBe([(48.0, "email", 3), (48.0, "sms", 2), (2.0, "email", 1), (2.0, "sms", 1)]);

        // With a reminder: a attended, b missed, f attended. Without: c's first session missed, its second attended.
        report["withReminder"]!["attended"]!.GetValue<int>().ShouldBe(2);
        report["withReminder"]!["noShows"]!.GetValue<int>().ShouldBe(1);
        report["withReminder"]!["noShowRate"]!.GetValue<double>().ShouldBe(0.3333);
        report["withoutReminder"]!["attended"]!.GetValue<int>().ShouldBe(1);
        report["withoutReminder"]!["noShows"]!.GetValue<int>().ShouldBe(1);
        report["withoutReminder"]!["noShowRate"]!.GetValue<double>().ShouldBe(0.5);

        var csv = await Csv("reminders");
        csv.ShouldBe([
            "measure,leadHours,channel,count,attended,noShows,noShowRate",
            "sent,48,email,3,,,", "sent,48,sms,2,,,", "sent,2,email,1,,,", "sent,2,sms,1,,,",
            "sessionsWithReminder,,,3,2,1,0.3333", "sessionsWithoutReminder,,,2,1,1,0.5"
        ]);
    }

    [Fact]
    public async Task a_range_without_intakes_counts_nothing_and_still_lists_the_configured_lead_times()
    {
        var (status, report) = await app.Host.Get("/api/reports/reminders?from=2025-01-01&to=2025-01-31", Tokens.Analyst);
        status.ShouldBe(HttpStatusCode.OK);
        report!["remindersSent"]!.GetValue<int>().ShouldBe(0);
        report["sent"]!.AsArray().Select(r => r!["sent"]!.GetValue<int>()).ShouldBe([0, 0, 0, 0]);
        report["withReminder"]!["noShowRate"].ShouldBeNull();
        (await app.Host.Get("/api/reports/reminders?from=2026-03-31&to=2026-03-01", Tokens.Analyst)).Status.ShouldBe(HttpStatusCode.BadRequest);
        (await app.Host.Get("/api/reports/reminders", Tokens.Coordinator)).Status.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task the_reports_carry_no_personal_data()
    {
        var intake = Samples.Intake();
        foreach (var path in new[] { "funnel", "time-to-first-session", "reminders" })
        {
            var text = (await Report(path)).ToJsonString() + string.Join('\n', await Csv(path));
            foreach (var value in new[] { intake.Client!.FirstName!, intake.Client.LastName!, intake.Client.Email!, intake.Client.Phone!, "Referral a", "Casey", "Grace" })
                text.ShouldNotContain(value, Case.Sensitive, $"{path} holds '{value}'");
        }
    }
}
