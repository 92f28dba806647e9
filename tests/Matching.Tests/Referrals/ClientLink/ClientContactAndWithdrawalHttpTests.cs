using System.Net;
using Marten;
using Matching.Service.Notifications;
using Matching.Service.Referrals;
using Matching.Service.Referrals.ClientLink;
using Matching.Service.Referrals.Queue;
using Matching.Tests.Operability;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.ClientLink;

/// <summary>The client corrects their contact details and withdraws their request over their link, on PostgreSQL.</summary>
public class ClientContactAndWithdrawalHttpTests(TimerFixture app) : IClassFixture<TimerFixture>
{
    private static void ShouldNameTheClient(JasperFx.Events.IEvent e)
    {
        e.Headers!["actor-sub"].ToString().ShouldBe("client");
        e.Headers["actor-role"].ToString().ShouldBe("client");
    }

    private static async Task EventuallyAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The condition did not hold within 15 s.");
            await Task.Delay(50);
        }
    }

    private async Task<IReadOnlyList<Guid>> SearchAsync(string q)
    {
        var (status, page) = await app.Host.Get($"/api/referrals?q={Uri.EscapeDataString(q)}&pageSize=200", Tokens.Coordinator);
        status.ShouldBe(HttpStatusCode.OK, page?.ToJsonString());
        return page!["items"]!.AsArray().Select(i => i!["referralId"]!.GetValue<Guid>()).ToList();
    }

    [Fact]
    public async Task the_client_corrects_their_details_as_the_client_and_the_queue_finds_them_by_the_new_ones()
    {
        var referral = await app.Host.SubmittedReferral();
        var token = await referral.ClientLink();
        var email = $"ann.{referral.Id:N}@example.net";

        var (status, answer) = await app.Host.Post($"/api/client/{token}/contact",
            new { email, phone = "(720) 555-0188", textMessagesOk = true });

        status.ShouldBe(HttpStatusCode.OK, answer?.ToJsonString());
        answer!["email"]!.GetValue<string>().ShouldBe(email);
        answer["phone"]!.GetValue<string>().ShouldBe("(720) 555-0188");
        answer["textMessagesOk"]!.GetValue<bool>().ShouldBeTrue();
        answer["changed"]!.GetValue<bool>().ShouldBeTrue();
        var corrected = (await referral.Events()).Last();
        corrected.Data.ShouldBe(new ClientContactCorrected(email, "(720) 555-0188", true));
        ShouldNameTheClient(corrected);

        await using (var session = app.Store.QuerySession())
        {
            var state = (await session.LoadAsync<Referral>(referral.Id))!;
            state.Intake.Client.Email.ShouldBe(email);
            state.MayText.ShouldBeTrue();
        }
        (await SearchAsync(email)).ShouldBe([referral.Id]);
        (await SearchAsync("720-555-0188")).ShouldContain(referral.Id);
        (await SearchAsync("303 555 0100")).ShouldNotContain(referral.Id);
    }

    [Fact]
    public async Task sending_the_details_already_held_answers_unchanged_and_records_nothing()
    {
        var referral = await app.Host.SubmittedReferral();
        var token = await referral.ClientLink();
        var before = (await referral.Events()).Count;

        var (status, answer) = await app.Host.Post($"/api/client/{token}/contact", new { email = "ann@example.org", phone = "+1 303 555 0100" });

        status.ShouldBe(HttpStatusCode.OK, answer?.ToJsonString());
        answer!["changed"]!.GetValue<bool>().ShouldBeFalse();
        answer["textMessagesOk"]!.GetValue<bool>().ShouldBeFalse();
        (await referral.Events()).Count.ShouldBe(before);
    }

    [Theory]
    [InlineData("""{ "email": "ann-at-example.org" }""", "email")]
    [InlineData("""{ "phone": "call me maybe" }""", "phone")]
    [InlineData("""{ "email": "", "phone": "" }""", "phone")]
    [InlineData("""{ "phone": "", "textMessagesOk": true }""", "textMessagesOk")]
    public async Task bad_details_are_a_400_naming_the_field_and_append_nothing(string body, string field)
    {
        var referral = await app.Host.SubmittedReferral();
        var token = await referral.ClientLink();
        var before = (await referral.Events()).Count;

        var (status, problem) = await app.Host.Post($"/api/client/{token}/contact", body);

        status.ShouldBe(HttpStatusCode.BadRequest, problem?.ToJsonString());
        problem!["errors"]![field].ShouldNotBeNull(problem.ToJsonString());
        (await referral.Events()).Count.ShouldBe(before);
    }

    [Fact]
    public async Task withdrawing_closes_the_request_as_withdrawn_by_the_client_and_the_link_stops_working()
    {
        var referral = await app.Host.SubmittedReferral().Triaged().Proposed();
        var token = await referral.ClientLink();

        var (status, answer) = await app.Host.Post($"/api/client/{token}/withdraw", new { reason = "I found support closer to home." });

        status.ShouldBe(HttpStatusCode.OK, answer?.ToJsonString());
        answer!["reference"]!.GetValue<string>().ShouldBe(ReferralReference.Of(referral.Id));
        answer["status"]!.GetValue<string>().ShouldBe("closed");
        answer["statusText"]!.GetValue<string>().ShouldBe("Your request is withdrawn.");
        answer["nextStep"]!.GetValue<string>().ShouldContain("welcome back any time");
        answer["crisisResources"]!.AsArray().Count.ShouldBe(2);
        var events = await referral.Events();
        var (withdrawn, closed) = (events[^2], events[^1]);
        withdrawn.Data.ShouldBeOfType<ProposalWithdrawn>().ClosesReferral.ShouldBeTrue();
        closed.Data.ShouldBe(new ReferralClosed(ClosureOutcome.Withdrawn, "I found support closer to home.", null));
        ShouldNameTheClient(withdrawn);
        ShouldNameTheClient(closed);

        (await app.Host.Get($"/api/client/{token}")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await app.Host.Post($"/api/client/{token}/withdraw", new { })).Status.ShouldBe(HttpStatusCode.NotFound);
        (await app.Host.Post($"/api/client/{token}/contact", new { email = "ann@example.net" })).Status.ShouldBe(HttpStatusCode.NotFound);
        (await app.Host.Client().GetAsync($"/r/{token}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await referral.Events()).Count.ShouldBe(events.Count);
    }

    [Fact]
    public async Task withdrawing_a_booked_request_frees_the_slot_and_tells_the_clinician_only()
    {
        var referral = await app.Host.SubmittedReferral().Triaged().Proposed().Accepted().Booked();
        var clinician = referral.ClinicianId!.Value;
        var token = await referral.ClientLink();
        (await app.Host.SlotCount(clinician)).ShouldBe(1);
        await app.Notifications.WaitFor(referral.Id, NotificationKind.FirstSessionToClinician);

        var (status, answer) = await app.Host.Post($"/api/client/{token}/withdraw", new { });

        status.ShouldBe(HttpStatusCode.OK, answer?.ToJsonString());
        answer!["sessionCancelled"]!.GetValue<bool>().ShouldBeTrue();
        answer["nextStep"]!.GetValue<string>().ShouldStartWith("Your first session is cancelled");
        (await app.Host.SlotCount(clinician)).ShouldBe(0);
        var events = await referral.Events();
        events[^2].Data.ShouldBe(new FirstSessionCancelled(referral.SessionId!.Value, clinician, CancelledBy.Client,
            Matching.Service.Referrals.Closing.CloseReferralHandler.ClosedReason));
        events[^1].Data.ShouldBeOfType<ReferralClosed>().Outcome.ShouldBe(ClosureOutcome.Withdrawn);

        await EventuallyAsync(() =>
            app.Notifications.For(referral.Id, NotificationKind.FirstSessionToClinician).Any(n => n.Subject == "First session cancelled"));
        // The client read the answer; an email offering "another time" would be wrong now.
        await Task.Delay(500);
        app.Notifications.For(referral.Id, NotificationKind.FirstSessionToClient).ShouldAllBe(n => n.Subject == "Your first session is booked");

        // The time is free again: another client of the clinician can take it.
        var other = await app.Host.SubmittedReferral().Triaged().ProposedTo(clinician).Accepted();
        var session = events.Select(e => e.Data).OfType<FirstSessionBooked>().Single();
        (await other.Command("first-session", new { startsAt = session.StartsAt, format = "telehealth", overrideReason = ReferralScenarios.AnyTime }))
            .Status.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task a_wrong_link_gets_the_neutral_404_and_changes_nothing()
    {
        var referral = await app.Host.SubmittedReferral();
        await referral.ClientLink();
        var before = (await referral.Events()).Count;

        foreach (var token in new[] { ClientLinks.NewToken(), "not-a-token" })
        {
            foreach (var (path, body) in new (string, object)[] { ("contact", new { email = "x@example.org" }), ("withdraw", new { reason = "x" }) })
            {
                var (status, problem) = await app.Host.Post($"/api/client/{token}/{path}", body);
                status.ShouldBe(HttpStatusCode.NotFound);
                problem!["code"]!.GetValue<string>().ShouldBe("linkNotFound");
            }
        }
        (await referral.Events()).Count.ShouldBe(before);
        await using var session = app.Store.QuerySession();
        (await session.LoadAsync<ReferralQueueItem>(referral.Id))!.Status.ShouldBe(ReferralStatus.AwaitingTriage);
    }
}

/// <summary>The client's corrected details never reach the logs, whether accepted or refused.</summary>
public class ClientContactLogTests(LogCapturingAppFixture app) : IClassFixture<LogCapturingAppFixture>
{
    [Fact]
    public async Task corrected_and_refused_details_leave_no_trace_in_the_logs()
    {
        var referral = await app.Host.SubmittedReferral();
        var token = await referral.ClientLink();
        var before = app.Logs.Lines.Count;

        (await app.Host.Post($"/api/client/{token}/contact", new { email = "wilhelmina.quarrington@example.net", phone = "720 555 0177" })).Status
            .ShouldBe(HttpStatusCode.OK);
        (await app.Host.Post($"/api/client/{token}/contact", new { email = "ottoline-at-example.net" })).Status.ShouldBe(HttpStatusCode.BadRequest);
        (await app.Host.Post($"/api/client/{token}/withdraw", new { reason = "Moving to Portugal with Bartholomew." })).Status.ShouldBe(HttpStatusCode.OK);

        var lines = app.Logs.Lines.Skip(before).ToArray();
        lines.ShouldNotBeEmpty();
        foreach (var value in new[] { "quarrington", "0177", "ottoline", "Portugal", "Bartholomew" })
            lines.ShouldNotContain(l => l.Contains(value, StringComparison.OrdinalIgnoreCase), value);
    }

    [Fact]
    public async Task a_links_token_never_reaches_the_logs_at_any_level()
    {
        var referral = await app.Host.SubmittedReferral();
        var token = await referral.ClientLink();
        var before = app.Logs.Lines.Count;

        (await app.Host.Get($"/api/client/{token}")).Status.ShouldBe(HttpStatusCode.OK);
        (await app.Host.Client().GetAsync($"/r/{token}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await app.Host.Post($"/api/client/{token}/contact", new { email = "not-an-address" })).Status.ShouldBe(HttpStatusCode.BadRequest);
        var wrong = Matching.Service.Referrals.ClientLink.ClientLinks.NewToken();
        (await app.Host.Get($"/api/client/{wrong}")).Status.ShouldBe(HttpStatusCode.NotFound);

        var lines = app.Logs.Lines.Skip(before).ToArray();
        lines.ShouldNotBeEmpty();
        lines.Where(l => l.Contains(token) || l.Contains(wrong)).ShouldBeEmpty();
    }
}
