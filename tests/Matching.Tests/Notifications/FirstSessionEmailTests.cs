using System.Text;
using Ical.Net;
using Matching.Service.Notifications;
using Matching.Tests.Support;
using MimeKit;

namespace Matching.Tests.Notifications;

/// <summary>Booking, rescheduling and cancelling a first session, through the service to a local SMTP server.</summary>
public class FirstSessionEmailTests(SmtpFixture app) : IClassFixture<SmtpFixture>
{
    private static readonly string Client = Samples.Intake().Client!.Email!;

    private static Ical.Net.CalendarComponents.CalendarEvent InvitationIn(MimeMessage mail, string method)
    {
        var part = mail.Attachments.OfType<MimePart>().Single();
        part.FileName.ShouldBe(FirstSessionInvitation.FileName);
        part.ContentType.MimeType.ShouldBe("text/calendar");
        part.ContentType.Parameters["method"].ShouldBe(method);
        using var content = new MemoryStream();
        part.Content!.DecodeTo(content);
        var calendar = Calendar.Load(Encoding.UTF8.GetString(content.ToArray()))!;
        calendar.Method.ShouldBe(method);
        return calendar.Events.Single();
    }

    /// <summary>
    /// The first-session emails of this referral to the client and the clinician, once <paramref name="expected"/> have
    /// arrived for each. Other emails (the proposal's, other referrals' to the shared sample address) are told apart by
    /// the invitation's UID.
    /// </summary>
    private async Task<(IReadOnlyList<MimeMessage> Client, IReadOnlyList<MimeMessage> Clinician)> MailAfter(
        ScenarioReferral r, string clinician, int expected)
    {
        var uid = FirstSessionInvitation.Uid(r.SessionId!.Value);
        IReadOnlyList<MimeMessage> Of(string address) => app.Mail.To(address).Where(m => m.Attachments.OfType<MimePart>().Any(p =>
        {
            using var content = new MemoryStream();
            p.Content?.DecodeTo(content);
            return Encoding.UTF8.GetString(content.ToArray()).Contains(uid);
        })).ToArray();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while ((Of(Client).Count < expected || Of(clinician).Count < expected) && DateTime.UtcNow < deadline) await Task.Delay(50);
        // Anything sent twice would arrive within the same queue pass: a short settle shows "exactly".
        await Task.Delay(500);
        return (Of(Client), Of(clinician));
    }

    private static string ClinicianEmail(Guid clinicianId) => $"{clinicianId:N}@practice.example";

    [Fact]
    public async Task booking_rescheduling_and_cancelling_each_send_the_client_and_the_clinician_one_email_with_the_invitation()
    {
        var r = await app.Host.SubmittedReferral().Triaged().Proposed().Accepted().Booked();
        var clinician = ClinicianEmail(r.ClinicianId!.Value);

        var (client, toClinician) = await MailAfter(r, clinician, 1);
        client.Count.ShouldBe(1);
        toClinician.Count.ShouldBe(1);
        client[0].Subject.ShouldBe("Your first session is booked");
        client[0].From.Mailboxes.Single().Address.ShouldBe(SmtpFixture.From);
        var booked = InvitationIn(client[0], "REQUEST");
        booked.Sequence.ShouldBe(0);
        toClinician[0].Subject.ShouldBe("First session booked");
        InvitationIn(toClinician[0], "REQUEST").Uid.ShouldBe(booked.Uid);
        toClinician[0].TextBody!.ShouldContain("Ann L.");
        toClinician[0].TextBody!.ShouldNotContain(Client);
        toClinician[0].TextBody!.ShouldNotContain("Lee");

        var later = app.Host.Now().AddDays(3);
        var moved = await Task.FromResult(r).Step("first-session/reschedule", new { startsAt = later, overrideReason = ReferralScenarios.AnyTime });
        (client, toClinician) = await MailAfter(moved, clinician, 2);
        client.Count.ShouldBe(2);
        toClinician.Count.ShouldBe(2);
        client[1].Subject.ShouldBe("Your first session has moved");
        var rescheduled = InvitationIn(client[1], "REQUEST");
        rescheduled.Uid.ShouldBe(booked.Uid);
        rescheduled.Sequence.ShouldBe(1);
        rescheduled.DtStart!.AsUtc.ShouldBe(new DateTime(later.UtcTicks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, DateTimeKind.Utc));
        toClinician[1].Subject.ShouldBe("First session moved");

        var cancelled = await Task.FromResult(moved).Step("first-session/cancel", new { by = "client", reason = "Found a closer office." });
        (client, toClinician) = await MailAfter(cancelled, clinician, 3);
        client.Count.ShouldBe(3);
        toClinician.Count.ShouldBe(3);
        client[2].Subject.ShouldBe("Your first session is cancelled");
        var cancel = InvitationIn(client[2], "CANCEL");
        cancel.Uid.ShouldBe(booked.Uid);
        cancel.Sequence.ShouldBe(2);
        cancel.Status.ShouldBe("CANCELLED");
        toClinician[2].Subject.ShouldBe("First session cancelled");
        InvitationIn(toClinician[2], "CANCEL").Uid.ShouldBe(booked.Uid);
        // The cancellation's reason is the client's own words: it stays out of the clinician's email.
        toClinician[2].TextBody!.ShouldNotContain("closer office");
    }
}
