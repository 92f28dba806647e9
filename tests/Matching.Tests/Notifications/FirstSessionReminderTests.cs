using System.Net;
using Ical.Net;
using Marten;
using Matching.Service.Notifications;
using Matching.Service.Referrals;
using Matching.Service.Shared;
using Matching.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Wolverine;
using static Matching.Tests.Notifications.ClientMessageSteps;

namespace Matching.Tests.Notifications;

/// <summary>
/// Reminders on the real clock, a few seconds before sessions booked a few seconds ahead
/// (<see cref="ClientMessagesFixture.Leads"/>), by email to the local mail server and by text to the provider's stand-in.
/// </summary>
public class FirstSessionReminderTests(ClientMessagesFixture app) : IClassFixture<ClientMessagesFixture>
{
    private static readonly TimeZoneInfo Denver = TimeZoneInfo.FindSystemTimeZoneById("America/Denver");

    /// <summary>
    /// Accepted first, then booked <paramref name="ahead"/> of the clock as it is then: set-up on a busy machine doesn't
    /// eat into the seconds before the reminders fall due.
    /// </summary>
    private async Task<(ScenarioReferral Booked, DateTimeOffset StartsAt)> BookedClient(string email, string phone, TimeSpan ahead)
    {
        var accepted = await app.Host.Submitted(IntakeFrom(email, phone)).Triaged().Proposed().Accepted();
        var startsAt = app.Host.Now() + ahead;
        return (await Task.FromResult(accepted).Booked(startsAt), startsAt);
    }

    private IEnumerable<MimeMessage> RemindersTo(string email, Guid sessionId) =>
        app.Mail.To(email).Where(m => m.Subject!.StartsWith("Reminder:", StringComparison.Ordinal)
                                      && AttachmentText(m).Contains(FirstSessionInvitation.Uid(sessionId)));

    private IEnumerable<ReceivedText> RemindersTo(string phone) =>
        app.Texts.Accepted.Where(t => t.To == E164(phone) && t.Body.StartsWith("Reminder:", StringComparison.Ordinal));

    private static async Task<IReadOnlyList<FirstSessionReminderSent>> Reminded(ScenarioReferral r) =>
        (await r.Events()).Select(e => e.Data).OfType<FirstSessionReminderSent>().ToList();

    [Fact]
    public async Task each_lead_time_reminds_once_by_email_and_text_with_the_invitation_and_a_link_to_the_clients_page()
    {
        var (email, phone) = (NewEmail(), NewPhone());
        var (r, startsAt) = await BookedClient(email, phone, TimeSpan.FromSeconds(12));

        var mails = await Exactly(() => RemindersTo(email, r.SessionId!.Value), 2);
        var texts = await Exactly(() => RemindersTo(phone), 2);

        var reminded = await Reminded(r);
        reminded.Select(e => e.LeadTime).ShouldBe([ClientMessagesFixture.LongLead, ClientMessagesFixture.ShortLead]);
        reminded.ShouldAllBe(e => e.Channels.SequenceEqual(new[] { ContactChannel.Email, ContactChannel.Sms }));
        var moment = PracticeTime.Moment(startsAt, Denver);
        foreach (var mail in mails)
        {
            mail.Subject.ShouldBe($"Reminder: your first session, {moment}");
            mail.TextBody!.ShouldContain("(50 minutes)");
            mail.TextBody!.ShouldContain("By video.");
            var invitation = Calendar.Load(AttachmentText(mail))!.Events.Single();
            invitation.Uid.ShouldBe(FirstSessionInvitation.Uid(r.SessionId!.Value));
        }
        foreach (var text in texts)
        {
            text.Body.ShouldContain(moment);
            text.Body.ShouldNotContain("Ann");
        }

        // Each reminder issued a link of its own, in both of its messages, and it opens the client's page on the session.
        var tokens = mails.Select(m => LinkToken(m.TextBody!)).ToList();
        tokens.Distinct().Count().ShouldBe(2);
        texts.Select(t => LinkToken(t.Body)).Order().ShouldBe(tokens.Order());
        (await r.EventTypes()).Count(t => t == nameof(ClientLinkIssued)).ShouldBe(3, "the intake's and one per reminder");
        foreach (var token in tokens)
        {
            var (status, view) = await app.Host.Get($"/api/client/{token}");
            status.ShouldBe(HttpStatusCode.OK);
            view!["firstSession"]!["sessionId"]!.GetValue<Guid>().ShouldBe(r.SessionId!.Value);
        }
        app.Logs.ShouldNotLeak([email, phone, E164(phone), "Ann", "Lee", ..tokens]);
    }

    [Fact]
    public async Task a_cancelled_session_is_not_reminded()
    {
        var (email, phone) = (NewEmail(), NewPhone());
        var (r, startsAt) = await BookedClient(email, phone, TimeSpan.FromSeconds(14));
        await Task.FromResult(r).Step("first-session/cancel", new { by = "client", reason = "Can't make it." });

        // Past both reminders' times, and a little more for the queue.
        await Task.Delay(startsAt - ClientMessagesFixture.ShortLead - app.Host.Now() + TimeSpan.FromSeconds(3));

        (await Reminded(r)).ShouldBeEmpty();
        RemindersTo(email, r.SessionId!.Value).ShouldBeEmpty();
        RemindersTo(phone).ShouldBeEmpty();
    }

    [Fact]
    public async Task a_rescheduled_session_is_reminded_only_at_its_new_time()
    {
        var (email, phone) = (NewEmail(), NewPhone());
        var (r, _) = await BookedClient(email, phone, TimeSpan.FromSeconds(16));
        var newStart = app.Host.Now().AddSeconds(26);
        var moved = await Task.FromResult(r).Step("first-session/reschedule", new { startsAt = newStart, overrideReason = ReferralScenarios.AnyTime });

        // The old time's reminders fall due first and find the session moved; the new time's follow.
        var mails = await Exactly(() => RemindersTo(email, r.SessionId!.Value), 2, TimeSpan.FromSeconds(40));
        await Exactly(() => RemindersTo(phone), 2);

        var events = await moved.Events();
        var rescheduledAt = events.Single(e => e.Data is FirstSessionRescheduled).Version;
        events.Where(e => e.Data is FirstSessionReminderSent).ShouldAllBe(e => e.Version > rescheduledAt);
        (await Reminded(moved)).Count.ShouldBe(2);
        foreach (var mail in mails)
        {
            mail.Subject.ShouldBe($"Reminder: your first session, {PracticeTime.Moment(newStart, Denver)}");
            var invitation = Calendar.Load(AttachmentText(mail))!.Events.Single();
            invitation.Sequence.ShouldBe(1);
            invitation.DtStart!.AsUtc.ShouldBe(new DateTime(newStart.UtcTicks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, DateTimeKind.Utc));
        }
    }

    [Fact]
    public async Task handlers_racing_on_one_reminder_record_and_send_it_once()
    {
        var (email, phone) = (NewEmail(), NewPhone());
        // Far enough ahead that the scheduled reminders stay out of the way; the one raced is due already.
        var (r, startsAt) = await BookedClient(email, phone, TimeSpan.FromHours(3));
        var lead = TimeSpan.FromHours(3).Add(TimeSpan.FromMinutes(1));
        var reminder = new RemindOfFirstSession(r.Id, r.SessionId!.Value, startsAt, lead);

        var racers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            using var scope = app.Host.Services.CreateScope();
            try { await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync(reminder); }
            // The losers' retries find the reminder sent; one that runs out of retries fails here, having sent nothing.
            catch (Exception e) when (e is JasperFx.ConcurrencyException or JasperFx.Events.EventStreamUnexpectedMaxEventIdException) { }
        }));
        await Task.WhenAll(racers);

        (await Reminded(r)).Select(e => e.LeadTime).ShouldBe([lead]);
        await Exactly(() => RemindersTo(email, r.SessionId!.Value), 1);
        await Exactly(() => RemindersTo(phone), 1);
        (await r.EventTypes()).Count(t => t == nameof(ClientLinkIssued)).ShouldBe(2, "the intake's and the reminder's");
    }
}
