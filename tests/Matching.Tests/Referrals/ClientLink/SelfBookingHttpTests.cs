using System.Net;
using System.Text.Json.Nodes;
using Matching.Service.Referrals;
using Matching.Service.Referrals.ClientLink;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.ClientLink;

/// <summary>
/// The client books, moves and cancels their first session on their link, over HTTP on PostgreSQL. The scenario clinician
/// works Mondays 09:00-17:00 in Denver and offers both formats; the sample intake accepts either.
/// </summary>
public class SelfBookingHttpTests(LifecycleFixture app) : IClassFixture<LifecycleFixture>
{
    private static readonly TimeZoneInfo Denver = TimeZoneInfo.FindSystemTimeZoneById("America/Denver");

    private async Task<(ScenarioReferral Referral, string Token)> AcceptedWithLink(Guid? clinician = null)
    {
        var submitted = app.Host.SubmittedReferral().Triaged();
        var referral = await (clinician is { } id ? submitted.ProposedTo(id) : submitted.Proposed()).Accepted();
        return (referral, await referral.ClientLink());
    }

    private async Task<JsonArray> Slots(string token)
    {
        var (status, body) = await app.Host.Get($"/api/client/{token}/slots");
        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        return body!["slots"]!.AsArray();
    }

    private static DateTimeOffset StartOf(JsonNode? slot) => slot!["startsAt"]!.GetValue<DateTimeOffset>();

    private Task<(HttpStatusCode Status, JsonNode? Body)> Book(string token, DateTimeOffset startsAt, string format = "telehealth") =>
        app.Host.Post($"/api/client/{token}/first-session", new { startsAt, format });

    [Fact]
    public async Task slots_appear_once_a_clinician_has_accepted()
    {
        var referral = await app.Host.SubmittedReferral().Triaged().Proposed();
        var token = await referral.ClientLink();

        var (before, problem) = await app.Host.Get($"/api/client/{token}/slots");
        before.ShouldBe(HttpStatusCode.Conflict, problem?.ToJsonString());
        problem!["code"]!.GetValue<string>().ShouldBe("noClinicianYet");
        var (booking, refused) = await Book(token, app.Host.Now().AddDays(3));
        booking.ShouldBe(HttpStatusCode.Conflict, refused?.ToJsonString());
        refused!["code"]!.GetValue<string>().ShouldBe("noClinicianYet");

        await Task.FromResult(referral).Accepted();
        var (after, view) = await app.Host.Get($"/api/client/{token}/slots");

        after.ShouldBe(HttpStatusCode.OK, view?.ToJsonString());
        view!["timeZone"]!.GetValue<string>().ShouldBe("America/Denver");
        var slots = view["slots"]!.AsArray();
        slots.Count.ShouldBeGreaterThan(0);
        var now = app.Host.Now();
        foreach (var slot in slots)
        {
            var local = TimeZoneInfo.ConvertTime(StartOf(slot), Denver);
            local.DayOfWeek.ShouldBe(DayOfWeek.Monday);
            local.TimeOfDay.ShouldBeInRange(TimeSpan.FromHours(9), TimeSpan.FromHours(16).Add(TimeSpan.FromMinutes(10)));
            StartOf(slot).ShouldBeInRange(now.AddDays(1), now.AddDays(21));
            slot!["durationMinutes"]!.GetValue<int>().ShouldBe(50);
            slot["formats"]!.AsArray().Select(f => f!.GetValue<string>()).ShouldBe(["inPerson", "telehealth"]);
        }
    }

    [Fact]
    public async Task the_client_books_an_offered_time_and_the_event_names_the_client()
    {
        var (referral, token) = await AcceptedWithLink();
        var chosen = StartOf((await Slots(token))[1]);

        var (status, body) = await Book(token, chosen, "inPerson");

        status.ShouldBe(HttpStatusCode.Created, body?.ToJsonString());
        body!["startsAt"]!.GetValue<DateTimeOffset>().ShouldBe(chosen);
        var sessionId = body["sessionId"]!.GetValue<Guid>();
        var booked = (await referral.Events()).Single(e => e.Data is FirstSessionBooked);
        booked.Data.ShouldBe(new FirstSessionBooked(sessionId, referral.ClinicianId!.Value, chosen, 50, Matching.Service.Shared.SessionFormat.InPerson));
        booked.Headers!["actor-sub"].ToString().ShouldBe("client");
        booked.Headers["actor-role"].ToString().ShouldBe("client");
        (await app.Host.SlotCount(referral.ClinicianId!.Value)).ShouldBe(1);

        var (_, view) = await app.Host.Get($"/api/client/{token}");
        view!["status"]!.GetValue<string>().ShouldBe("booked");
        view["firstSession"]!["startsAt"]!.GetValue<DateTimeOffset>().ShouldBe(chosen);
        // While booked, the slots are the times the session could move to: not the one it holds.
        (await Slots(token)).Select(StartOf).ShouldNotContain(chosen);
        var (again, problem) = await Book(token, StartOf((await Slots(token))[0]));
        again.ShouldBe(HttpStatusCode.Conflict);
        problem!["code"]!.GetValue<string>().ShouldBe("invalidTransition");
    }

    [Fact]
    public async Task a_time_not_offered_is_a_409_with_the_open_times_and_appends_nothing()
    {
        var (referral, token) = await AcceptedWithLink();
        var first = StartOf((await Slots(token))[0]);
        var eventsBefore = (await referral.Events()).Count;

        foreach (var notOffered in new[] { first.AddMinutes(10), first.AddHours(-2), first.AddDays(1), app.Host.Now().AddDays(30) })
        {
            var (status, problem) = await Book(token, notOffered);
            status.ShouldBe(HttpStatusCode.Conflict, problem?.ToJsonString());
            problem!["code"]!.GetValue<string>().ShouldBe("slotUnavailable");
            problem["detail"]!.GetValue<string>().ShouldBe("That time was just taken. Here are the times still open.");
            problem["slots"]!.AsArray().Select(StartOf).ShouldContain(first);
        }
        (await referral.Events()).Count.ShouldBe(eventsBefore);
        (await app.Host.SlotCount(referral.ClinicianId!.Value)).ShouldBe(0);
    }

    [Fact]
    public async Task a_time_another_client_holds_is_no_longer_offered()
    {
        var clinician = await app.Host.OnboardedClinician(weeklyNewClientLimit: 10);
        var (_, first) = await AcceptedWithLink(clinician);
        var (_, second) = await AcceptedWithLink(clinician);
        var taken = StartOf((await Slots(first))[0]);

        (await Book(first, taken)).Status.ShouldBe(HttpStatusCode.Created);

        (await Slots(second)).Select(StartOf).ShouldNotContain(taken);
        var (status, problem) = await Book(second, taken);
        status.ShouldBe(HttpStatusCode.Conflict);
        problem!["code"]!.GetValue<string>().ShouldBe("slotUnavailable");
    }

    [Fact]
    public async Task the_client_moves_the_session_to_another_offered_time()
    {
        var (referral, token) = await AcceptedWithLink();
        var slots = await Slots(token);
        (await Book(token, StartOf(slots[0]))).Status.ShouldBe(HttpStatusCode.Created);
        var later = StartOf(slots[3]);

        var (status, body) = await app.Host.Post($"/api/client/{token}/first-session/reschedule", new { startsAt = later });

        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        body!["startsAt"]!.GetValue<DateTimeOffset>().ShouldBe(later);
        var moved = (await referral.Events()).Single(e => e.Data is FirstSessionRescheduled);
        ((FirstSessionRescheduled)moved.Data).PreviousStartsAt.ShouldBe(StartOf(slots[0]));
        ((FirstSessionRescheduled)moved.Data).StartsAt.ShouldBe(later);
        ((FirstSessionRescheduled)moved.Data).OverrideReason.ShouldBeNull();
        moved.Headers!["actor-sub"].ToString().ShouldBe("client");
        // The earlier time is open again; the new one is held.
        var open = (await Slots(token)).Select(StartOf).ToList();
        open.ShouldContain(StartOf(slots[0]));
        open.ShouldNotContain(later);

        var (notOffered, problem) = await app.Host.Post($"/api/client/{token}/first-session/reschedule", new { startsAt = later.AddMinutes(5) });
        notOffered.ShouldBe(HttpStatusCode.Conflict);
        problem!["code"]!.GetValue<string>().ShouldBe("slotUnavailable");
    }

    [Fact]
    public async Task the_client_cancels_and_can_choose_again()
    {
        var (referral, token) = await AcceptedWithLink();
        var chosen = StartOf((await Slots(token))[0]);
        (await Book(token, chosen)).Status.ShouldBe(HttpStatusCode.Created);

        var (status, body) = await app.Host.Post($"/api/client/{token}/first-session/cancel", new { });

        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        body!["status"]!.GetValue<string>().ShouldBe("accepted");
        var cancelled = (await referral.Events()).Single(e => e.Data is FirstSessionCancelled);
        ((FirstSessionCancelled)cancelled.Data).By.ShouldBe(CancelledBy.Client);
        ((FirstSessionCancelled)cancelled.Data).Reason.ShouldBe(SelfCancelFirstSession.NoReason);
        cancelled.Headers!["actor-role"].ToString().ShouldBe("client");
        (await app.Host.SlotCount(referral.ClinicianId!.Value)).ShouldBe(0);
        (await Slots(token)).Select(StartOf).ShouldContain(chosen);

        (await Book(token, chosen)).Status.ShouldBe(HttpStatusCode.Created);
        (await app.Host.Post($"/api/client/{token}/first-session/cancel", new { reason = "  Work moved my shift.  " })).Status.ShouldBe(HttpStatusCode.OK);
        (await referral.Events()).Select(e => e.Data).OfType<FirstSessionCancelled>().Last().Reason.ShouldBe("Work moved my shift.");
    }

    [Fact]
    public async Task after_the_cutoff_the_client_is_asked_to_call_or_email_instead()
    {
        var (referral, token) = await AcceptedWithLink();
        var slots = await Slots(token);
        var chosen = StartOf(slots[0]);
        (await Book(token, chosen)).Status.ShouldBe(HttpStatusCode.Created);
        var other = StartOf(slots[^1]);

        // Just inside the cutoff: a day and a minute before the start.
        app.Clock.Advance(chosen - app.Host.Now() - TimeSpan.FromDays(1) - TimeSpan.FromMinutes(1));
        var eventsBefore = (await referral.Events()).Count;
        (await app.Host.Post($"/api/client/{token}/first-session/reschedule", new { startsAt = other })).Status.ShouldBe(HttpStatusCode.OK);
        (await app.Host.Post($"/api/client/{token}/first-session/reschedule", new { startsAt = chosen })).Status.ShouldBe(HttpStatusCode.OK);
        eventsBefore += 2;

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        var (moving, moveProblem) = await app.Host.Post($"/api/client/{token}/first-session/reschedule", new { startsAt = other });
        var (cancelling, cancelProblem) = await app.Host.Post($"/api/client/{token}/first-session/cancel", new { reason = "Sick." });

        foreach (var (status, problem) in new[] { (moving, moveProblem), (cancelling, cancelProblem) })
        {
            status.ShouldBe(HttpStatusCode.Conflict, problem?.ToJsonString());
            problem!["code"]!.GetValue<string>().ShouldBe("tooLateToChange");
            problem["detail"]!.GetValue<string>().ShouldEndWith("Please call us at 303-555-0100 or email care@practice.example and we'll help you.");
        }
        (await referral.Events()).Count.ShouldBe(eventsBefore);
    }

    [Fact]
    public async Task bad_input_is_a_400_and_a_wrong_link_a_404()
    {
        var (referral, token) = await AcceptedWithLink();
        var eventsBefore = (await referral.Events()).Count;

        var (empty, problem) = await app.Host.Post($"/api/client/{token}/first-session", new { });
        empty.ShouldBe(HttpStatusCode.BadRequest);
        problem!["errors"]!.AsObject().Select(e => e.Key).ShouldBe(["startsAt", "format"], ignoreOrder: true);
        (await app.Host.Post($"/api/client/{token}/first-session", "{\"startsAt\": \"soon\", \"format\": \"telehealth\"}")).Status
            .ShouldBe(HttpStatusCode.BadRequest);
        (await app.Host.Post($"/api/client/{token}/first-session", new { startsAt = app.Host.Now().AddDays(3), format = "hologram" })).Status
            .ShouldBe(HttpStatusCode.BadRequest);
        (await app.Host.Post($"/api/client/{token}/first-session/cancel", new { reason = new string('x', 4001) })).Status
            .ShouldBe(HttpStatusCode.BadRequest);
        foreach (var query in new[] { "from=soon", "to=2027-13-01", "from=2020-01-01", "from=2027-01-10&to=2027-01-09" })
        {
            var (status, body) = await app.Host.Get($"/api/client/{token}/slots?{query}");
            status.ShouldBe(HttpStatusCode.BadRequest, query);
            body!["errors"].ShouldNotBeNull(query);
        }
        (await referral.Events()).Count.ShouldBe(eventsBefore);

        var wrong = ClientLinks.NewToken();
        foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
                 {
                     (HttpMethod.Get, "slots", null),
                     (HttpMethod.Post, "first-session", new { startsAt = app.Host.Now().AddDays(3), format = "telehealth" }),
                     (HttpMethod.Post, "first-session/reschedule", new { startsAt = app.Host.Now().AddDays(3) }),
                     (HttpMethod.Post, "first-session/cancel", new { })
                 })
        {
            var (status, answer) = await app.Host.Send(method, $"/api/client/{wrong}/{path}", body);
            status.ShouldBe(HttpStatusCode.NotFound, path);
            answer!["code"]!.GetValue<string>().ShouldBe("linkNotFound");
        }
    }

    [Fact]
    public async Task slots_narrow_to_the_days_asked_for()
    {
        var (_, token) = await AcceptedWithLink();
        var all = (await Slots(token)).Select(StartOf).ToList();
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(all[^1], Denver).DateTime);

        var (status, body) = await app.Host.Get($"/api/client/{token}/slots?from={day:yyyy-MM-dd}&to={day:yyyy-MM-dd}");

        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        var narrowed = body!["slots"]!.AsArray().Select(StartOf).ToList();
        narrowed.ShouldNotBeEmpty();
        narrowed.ShouldBe(all.Where(s => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(s, Denver).DateTime) == day).ToList());
    }

    [Fact]
    public async Task clients_racing_for_one_time_exactly_one_wins_and_the_others_get_the_times_still_open()
    {
        var clinician = await app.Host.OnboardedClinician(weeklyNewClientLimit: 20);
        var clients = new List<(ScenarioReferral Referral, string Token)>();
        for (var i = 0; i < 6; i++) clients.Add(await AcceptedWithLink(clinician));
        var slot = StartOf((await Slots(clients[0].Token))[0]);

        var results = await Task.WhenAll(clients.Select(c => Book(c.Token, slot)));

        results.Count(r => r.Status == HttpStatusCode.Created).ShouldBe(1, string.Join(", ", results.Select(r => (int)r.Status)));
        foreach (var (status, problem) in results.Where(r => r.Status != HttpStatusCode.Created))
        {
            status.ShouldBe(HttpStatusCode.Conflict, problem?.ToJsonString());
            problem!["code"]!.GetValue<string>().ShouldBe("slotUnavailable");
            var open = problem["slots"]!.AsArray().Select(StartOf).ToList();
            open.ShouldNotBeEmpty();
            open.ShouldNotContain(slot);
        }
        (await app.Host.SlotCount(clinician)).ShouldBe(1);
        var booked = 0;
        foreach (var (referral, _) in clients)
            booked += (await referral.Events()).Count(e => e.Data is FirstSessionBooked);
        booked.ShouldBe(1);

        // Nothing lost: a loser books one of the times it was shown at once.
        var loser = clients[results.ToList().FindIndex(r => r.Status == HttpStatusCode.Conflict)];
        var next = StartOf(results.First(r => r.Status == HttpStatusCode.Conflict).Body!["slots"]![0]);
        (await Book(loser.Token, next)).Status.ShouldBe(HttpStatusCode.Created);
        (await app.Host.SlotCount(clinician)).ShouldBe(2);
    }

    [Fact]
    public async Task a_client_and_a_coordinator_racing_for_one_time_exactly_one_wins()
    {
        var clinician = await app.Host.OnboardedClinician(weeklyNewClientLimit: 20);
        for (var round = 0; round < 3; round++)
        {
            var (client, token) = await AcceptedWithLink(clinician);
            var other = await app.Host.SubmittedReferral().Triaged().ProposedTo(clinician).Accepted();
            var slot = StartOf((await Slots(token))[0]);

            var results = await Task.WhenAll(
                Book(token, slot),
                other.Command("first-session", new { startsAt = slot, format = "telehealth" }));

            results.Count(r => r.Status == HttpStatusCode.Created).ShouldBe(1, string.Join(", ", results.Select(r => r.Body?.ToJsonString())));
            results.Count(r => r.Status == HttpStatusCode.Conflict).ShouldBe(1);
            if (results[0].Status == HttpStatusCode.Conflict)
            {
                results[0].Body!["code"]!.GetValue<string>().ShouldBe("slotUnavailable");
                results[0].Body!["slots"]!.AsArray().Select(StartOf).ShouldNotContain(slot);
            }
            var sessions = (await client.Events()).Count(e => e.Data is FirstSessionBooked) + (await other.Events()).Count(e => e.Data is FirstSessionBooked);
            sessions.ShouldBe(1);
            (await app.Host.SlotCount(clinician)).ShouldBe(round + 1);
        }
    }
}
