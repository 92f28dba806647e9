using System.Net;
using System.Security.Cryptography;
using System.Text;
using Alba;
using Marten;
using Matching.Service.Notifications;
using Matching.Service.Referrals;
using Matching.Service.Referrals.TextOptOut;
using Matching.Service.Shared;
using Matching.Tests.Notifications;
using Matching.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Matching.Tests.Referrals.TextOptOut;

/// <summary>Twilio's inbound webhook as Twilio calls it: a form, signed over the public URL with the account's auth token.</summary>
internal static class InboundTexts
{
    public const string PublicUrl = "http://localhost:5080/api/sms/inbound";

    /// <summary>
    /// Twilio's signature, computed here from its documentation rather than with the SDK the service checks it with: HMAC-SHA1
    /// keyed with the auth token over the URL followed by every form field's name and value, names in order; base64.
    /// </summary>
    public static string Sign(string url, IReadOnlyDictionary<string, string> form, string authToken = SmsStandIn.AuthToken)
    {
        var data = new StringBuilder(url);
        foreach (var (name, value) in form.OrderBy(f => f.Key, StringComparer.Ordinal)) data.Append(name).Append(value);
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
    }

    public static Dictionary<string, string> Form(string from, string body) => new()
    {
        ["MessageSid"] = "SM" + Guid.NewGuid().ToString("N"), ["AccountSid"] = SmsStandIn.AccountSid, ["From"] = from,
        ["To"] = SmsStandIn.From, ["Body"] = body, ["NumMedia"] = "0"
    };

    public static async Task<(HttpStatusCode Status, string ContentType, string Text)> Reply(
        this IAlbaHost host, string from, string body, string? signature = null, Dictionary<string, string>? form = null)
    {
        form ??= Form(from, body);
        using var client = host.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sms/inbound") { Content = new FormUrlEncodedContent(form) };
        request.Headers.TryAddWithoutValidation("X-Twilio-Signature", signature ?? Sign(PublicUrl, form));
        using var response = await client.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType ?? "", await response.Content.ReadAsStringAsync());
    }

    public static async Task<Referral> Snapshot(this IAlbaHost host, Guid referralId)
    {
        await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.LoadAsync<Referral>(referralId))!;
    }
}

public class InboundTextTests(SmsFixture app) : IClassFixture<SmsFixture>
{
    private static readonly TimeZoneInfo Denver = TimeZoneInfo.FindSystemTimeZoneById("America/Denver");

    [Fact]
    public async Task a_signed_stop_is_recorded_by_the_client_and_a_later_booking_sends_no_text()
    {
        const string phone = "(720) 555-0171";
        var r = await app.Host.SubmittedReferral(textsOk: true, phone: phone).Triaged().Proposed().Accepted();

        var (status, type, text) = await app.Host.Reply("+17205550171", " Stop ");

        status.ShouldBe(HttpStatusCode.OK, text);
        type.ShouldBe("text/xml");
        text.ShouldEndWith("<Response/>");
        var stopped = (await r.Events()).Last();
        stopped.Data.ShouldBe(new TextMessagesStopped("STOP"));
        stopped.Headers!["actor-sub"].ToString().ShouldBe("client");
        stopped.Headers["actor-role"].ToString().ShouldBe("client");
        (await app.Host.Snapshot(r.Id)).MayText.ShouldBeFalse();

        // The booking still emails; its text never goes. A later text through the same queue shows the queue has moved past it.
        var startsAt = app.Host.Now().AddDays(4).AddMinutes(13);
        var booked = await Task.FromResult(r).Booked(startsAt);
        await app.Notifications.WaitFor(booked.Id, NotificationKind.FirstSessionToClient);
        var laterAt = app.Host.Now().AddDays(4).AddMinutes(41);
        await app.Host.SubmittedReferral(textsOk: true, phone: "(720) 555-0172").Triaged().Proposed().Accepted().Booked(laterAt);
        await app.Provider.WaitForAsync(t => t.Body.Contains(PracticeTime.Moment(laterAt, Denver)));

        // The intake's confirmation may have gone before the STOP; the booking's text never does.
        app.Provider.Accepted.ShouldNotContain(t => t.To == "+17205550171" && t.Body.Contains(PracticeTime.Moment(startsAt, Denver)));
        TextMessageTests.ShouldNotLeak(app.Logs.Lines.ToArray(), [phone, "+17205550171", "7205550171", " Stop "]);
    }

    [Fact]
    public async Task start_after_stop_resumes_texts()
    {
        var r = await app.Host.SubmittedReferral(textsOk: true, phone: "720 555 0173").Triaged().Proposed().Accepted();
        (await app.Host.Reply("+17205550173", "unsubscribe")).Status.ShouldBe(HttpStatusCode.OK);
        (await app.Host.Reply("+17205550173", "START")).Status.ShouldBe(HttpStatusCode.OK);
        // A second START changes nothing: texts already go.
        (await app.Host.Reply("+17205550173", "start")).Status.ShouldBe(HttpStatusCode.OK);

        (await r.Events()).Select(e => e.Data).OfType<object>().Where(d => d is TextMessagesStopped or TextMessagesResumed)
            .ShouldBe([new TextMessagesStopped("UNSUBSCRIBE"), new TextMessagesResumed("START")]);

        var startsAt = app.Host.Now().AddDays(4).AddMinutes(29);
        await Task.FromResult(r).Booked(startsAt);
        var sent = await app.Provider.WaitForAsync(t => t.Body.Contains(PracticeTime.Moment(startsAt, Denver)));
        sent.Single().To.ShouldBe("+17205550173");
    }

    [Fact]
    public async Task a_missing_or_wrong_signature_is_refused_with_403_and_records_nothing()
    {
        await app.Host.SubmittedReferral(textsOk: true, phone: "720 555 0174");
        var form = InboundTexts.Form("+17205550174", "STOP");
        var before = await app.EventCount();

        (await app.Host.Reply("", "", signature: "", form: form)).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await app.Host.Reply("", "", signature: InboundTexts.Sign(InboundTexts.PublicUrl, form, "another-token"), form: form))
            .Status.ShouldBe(HttpStatusCode.Forbidden);
        (await app.Host.Reply("", "", signature: InboundTexts.Sign("http://localhost:5080/api/intake", form), form: form))
            .Status.ShouldBe(HttpStatusCode.Forbidden);
        // Signed, then changed on the way: the body no longer matches what was signed.
        var signed = InboundTexts.Sign(InboundTexts.PublicUrl, form);
        (await app.Host.Reply("", "", signature: signed, form: new Dictionary<string, string>(form) { ["From"] = "+17205550175" }))
            .Status.ShouldBe(HttpStatusCode.Forbidden);
        var (status, problem) = await app.Host.Post("/api/sms/inbound", new { From = "+17205550174", Body = "STOP" },
            headers: new Dictionary<string, string> { ["X-Twilio-Signature"] = signed });
        status.ShouldBe(HttpStatusCode.Forbidden, problem?.ToJsonString());
        problem!["code"]!.GetValue<string>().ShouldBe("signatureInvalid");

        (await app.EventCount()).ShouldBe(before);
    }

    [Fact]
    public async Task a_number_no_referral_has_and_a_text_that_is_not_a_keyword_are_answered_and_record_nothing()
    {
        var r = await app.Host.SubmittedReferral(textsOk: true, phone: "720 555 0176");
        var before = await app.EventCount();

        var unknown = await app.Host.Reply("+17205550199", "STOP");
        var chat = await app.Host.Reply("+17205550176", "Stop by at 5? Thanks");
        var invalid = await app.Host.Reply("12", "STOP");

        foreach (var answer in new[] { unknown, chat, invalid })
        {
            answer.Status.ShouldBe(HttpStatusCode.OK);
            answer.Text.ShouldEndWith("<Response/>");
        }
        (await app.EventCount()).ShouldBe(before);
        (await app.Host.Snapshot(r.Id)).MayText.ShouldBeTrue();
    }

    [Fact]
    public async Task every_open_referral_of_the_number_is_stopped_and_closed_or_erased_ones_are_left_alone()
    {
        const string phone = "+1 720-555-0177";
        var first = await app.Host.SubmittedReferral(textsOk: true, phone: phone);
        var second = await app.Host.SubmittedReferral(textsOk: false, phone: "(720) 555 0177");
        var closed = await app.Host.SubmittedReferral(textsOk: true, phone: phone);
        (await closed.Command("close", new { outcome = "duplicate" })).Status.ShouldBe(HttpStatusCode.OK);
        var erased = await app.Host.SubmittedReferral(textsOk: true, phone: phone);
        (await app.Host.Post($"{erased.Url}/erasure", new { reason = "Client asked to be forgotten." }, Tokens.Compliance)).Status
            .ShouldBe(HttpStatusCode.OK);
        (await app.Host.Snapshot(erased.Id)).TextNumber.ShouldBeNull("erasure clears the number the lookup finds");
        (await app.Host.Snapshot(first.Id)).TextNumber.ShouldBe("+17205550177");

        (await app.Host.Reply("+17205550177", "QUIT")).Status.ShouldBe(HttpStatusCode.OK);

        (await first.Events()).Select(e => e.Data).ShouldContain(new TextMessagesStopped("QUIT"));
        (await second.Events()).Select(e => e.Data).ShouldContain(new TextMessagesStopped("QUIT"));
        (await closed.Events()).ShouldNotContain(e => e.Data is TextMessagesStopped);
        (await erased.Events()).ShouldNotContain(e => e.Data is TextMessagesStopped);
    }

    [Fact]
    public async Task a_corrected_phone_is_the_number_a_stop_finds()
    {
        var r = await app.Host.SubmittedReferral(textsOk: true, phone: "720 555 0178");
        await using (var session = app.Store.LightweightSession())
        {
            session.Events.Append(r.Id, new ClientContactCorrected(null, "720 555 0179", null));
            await session.SaveChangesAsync();
        }

        (await app.Host.Reply("+17205550178", "STOP")).Status.ShouldBe(HttpStatusCode.OK);
        (await r.Events()).ShouldNotContain(e => e.Data is TextMessagesStopped);
        (await app.Host.Reply("+17205550179", "STOP")).Status.ShouldBe(HttpStatusCode.OK);
        (await r.Events()).ShouldContain(e => e.Data is TextMessagesStopped);
    }
}

public class UnconfiguredInboundTextTests(UnconfiguredSmsFixture app) : IClassFixture<UnconfiguredSmsFixture>
{
    [Fact]
    public async Task without_sms_settings_the_webhook_is_not_found()
    {
        var before = await app.EventCount();
        (await app.Host.Reply("+17205550171", "STOP")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await app.EventCount()).ShouldBe(before);
    }
}

/// <summary>The keyword and the decision, without a database.</summary>
public class TextReplyTests
{
    [Theory]
    [InlineData("STOP", TextReplyKind.Stop, "STOP")]
    [InlineData(" stop\n", TextReplyKind.Stop, "STOP")]
    [InlineData("Stop All", TextReplyKind.Stop, "STOPALL")]
    [InlineData("unsubscribe", TextReplyKind.Stop, "UNSUBSCRIBE")]
    [InlineData("Cancel", TextReplyKind.Stop, "CANCEL")]
    [InlineData("end", TextReplyKind.Stop, "END")]
    [InlineData("QUIT", TextReplyKind.Stop, "QUIT")]
    [InlineData("revoke", TextReplyKind.Stop, "REVOKE")]
    [InlineData("opt out", TextReplyKind.Stop, "OPTOUT")]
    [InlineData("Start", TextReplyKind.Start, "START")]
    [InlineData("unstop", TextReplyKind.Start, "UNSTOP")]
    [InlineData("yes", TextReplyKind.Start, "YES")]
    public void keywords_are_read_whatever_their_case_and_spaces(string body, TextReplyKind kind, string keyword) =>
        TextReply.Read(body).ShouldBe(new TextReply(kind, keyword));

    [Theory]
    [InlineData("Please stop calling me at work")]
    [InlineData("stopp")]
    [InlineData("HELP")]
    [InlineData("")]
    [InlineData(null)]
    public void any_other_text_is_no_keyword(string? body) => TextReply.Read(body).ShouldBeNull();

    [Fact]
    public void stop_is_recorded_once_and_start_only_after_a_stop()
    {
        var referral = Given.Fold(Guid.NewGuid(), [Samples.Submitted(Samples.Intake())]);
        var stop = new TextReply(TextReplyKind.Stop, "STOP");
        var start = new TextReply(TextReplyKind.Start, "START");

        TextReplies.Decide(referral, start).ShouldBeNull();
        TextReplies.Decide(referral, stop).ShouldBe(new TextMessagesStopped("STOP"));
        var stopped = referral.Apply(new TextMessagesStopped("STOP"));
        TextReplies.Decide(stopped, stop).ShouldBeNull();
        TextReplies.Decide(stopped, start).ShouldBe(new TextMessagesResumed("START"));
    }

    [Fact]
    public void a_closed_or_erased_referral_records_nothing()
    {
        var referral = Given.Fold(Guid.NewGuid(), [Samples.Submitted(Samples.Intake())]);
        var stop = new TextReply(TextReplyKind.Stop, "STOP");

        TextReplies.Decide(referral with { Status = ReferralStatus.Closed }, stop).ShouldBeNull();
        TextReplies.Decide(referral.Apply(new ClientDataErased("Asked.")), stop).ShouldBeNull();
    }
}
