using System.Net;
using Matching.Service.Referrals;
using Matching.Service.Referrals.ClientLink;
using Matching.Tests.Support;
using static Matching.Tests.Notifications.ClientMessageSteps;

namespace Matching.Tests.Notifications;

/// <summary>The confirmation after an intake, through the outbox to a local mail server and the provider's stand-in.</summary>
public class IntakeConfirmationTests(ClientMessagesFixture app) : IClassFixture<ClientMessagesFixture>
{
    [Fact]
    public async Task a_routine_intake_is_confirmed_once_by_email_and_by_text_each_with_a_link_that_opens_the_clients_page()
    {
        var (email, phone) = (NewEmail(), NewPhone());
        var r = await app.Host.Submitted(IntakeFrom(email, phone));
        var reference = ReferralReference.Of(r.Id);

        var mail = (await Exactly(() => app.Mail.To(email), 1)).Single();
        var text = (await Exactly(() => app.Texts.Accepted.Where(t => t.To == E164(phone)), 1)).Single();

        mail.From.Mailboxes.Single().Address.ShouldBe(SmtpFixture.From);
        mail.Subject.ShouldBe($"We've received your request (reference {reference})");
        mail.TextBody!.ShouldContain($"Your reference is {reference}.");
        mail.TextBody!.ShouldContain("What happens next");
        mail.TextBody!.ShouldNotContain("988");
        text.Body.ShouldContain(reference);
        text.Body.ShouldEndWith("Reply STOP to stop texts.");
        text.Body.ShouldNotContain("Ann");

        // One link, issued with the intake, in both messages; it opens the client's page.
        (await r.EventTypes()).ShouldBe(["IntakeSubmitted", "ClientLinkIssued"]);
        var token = LinkToken(mail.TextBody!);
        LinkToken(text.Body).ShouldBe(token);
        (await r.Events()).Select(e => e.Data).OfType<ClientLinkIssued>().Single().TokenHash.ShouldBe(ClientLinks.Hash(token));
        var (status, view) = await app.Host.Get($"/api/client/{token}");
        status.ShouldBe(HttpStatusCode.OK);
        view!["reference"]!.GetValue<string>().ShouldBe(reference);

        app.Logs.ShouldNotLeak(email, phone, E164(phone), "Ann", "Lee", token);
    }

    [Fact]
    public async Task an_urgent_intake_is_confirmed_with_the_crisis_resources_first()
    {
        var email = NewEmail();
        await app.Host.Submitted(IntakeFrom(email, phone: null, urgent: true));

        var body = (await Exactly(() => app.Mail.To(email), 1)).Single().TextBody!;

        body.IndexOf("988 Suicide & Crisis Lifeline", StringComparison.Ordinal).ShouldBeGreaterThan(0);
        body.IndexOf("911", StringComparison.Ordinal).ShouldBeLessThan(body.IndexOf("Your reference", StringComparison.Ordinal));
        body.IndexOf("988", StringComparison.Ordinal).ShouldBeLessThan(body.IndexOf("Thank you for reaching out", StringComparison.Ordinal));
    }

    [Fact]
    public async Task a_client_who_gave_only_an_email_gets_no_text_and_one_who_gave_only_a_phone_gets_only_the_text()
    {
        var emailOnly = NewEmail();
        var phoneOnly = NewPhone();
        var byEmail = await app.Host.Submitted(IntakeFrom(emailOnly, phone: null));
        var byPhone = await app.Host.Submitted(IntakeFrom(email: null, phoneOnly));

        await Exactly(() => app.Mail.To(emailOnly), 1);
        await Exactly(() => app.Texts.Accepted.Where(t => t.To == E164(phoneOnly)), 1);

        app.Texts.Accepted.ShouldNotContain(t => t.Body.Contains(ReferralReference.Of(byEmail.Id)));
        app.Mail.Received.ShouldNotContain(m => m.Subject!.Contains(ReferralReference.Of(byPhone.Id)));
    }

    [Fact]
    public async Task a_client_who_did_not_agree_to_texts_gets_none()
    {
        var (email, phone) = (NewEmail(), NewPhone());
        var intake = IntakeFrom(email, phone) with { Consent = new Consent(true, true, false) };
        await app.Host.Submitted(intake);

        await Exactly(() => app.Mail.To(email), 1);

        app.Texts.Accepted.ShouldNotContain(t => t.To == E164(phone));
    }

    [Fact]
    public async Task a_repeated_idempotency_key_issues_and_sends_nothing_again()
    {
        var (email, phone) = (NewEmail(), NewPhone());
        var intake = IntakeFrom(email, phone);
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() };

        var first = await app.Host.Submitted(intake, headers);
        var repeats = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => app.Host.Submitted(intake, headers)));

        repeats.ShouldAllBe(r => r.Id == first.Id);
        await Exactly(() => app.Mail.To(email), 1);
        await Exactly(() => app.Texts.Accepted.Where(t => t.To == E164(phone)), 1);
        (await first.EventTypes()).Count(t => t == nameof(ClientLinkIssued)).ShouldBe(1);

        // Another intake under the same key is refused, and sends nothing either.
        var (reused, _) = await app.Host.Post("/api/intake", intake with { Notes = "Something else." }, headers: headers);
        reused.ShouldBe(HttpStatusCode.UnprocessableEntity);
        await Exactly(() => app.Mail.To(email), 1);
    }

    [Fact]
    public async Task an_intake_that_fails_sends_nothing()
    {
        var (email, phone) = (NewEmail(), NewPhone());
        var invalid = IntakeFrom(email, phone) with { Concerns = [] };

        var (status, _) = await app.Host.Post("/api/intake", invalid);
        status.ShouldBe(HttpStatusCode.BadRequest);

        // A later confirmation passes through the same queues: once it is out, one for the failed intake would have been too.
        var later = NewEmail();
        await app.Host.Submitted(IntakeFrom(later, phone: null));
        await Exactly(() => app.Mail.To(later), 1);
        app.Mail.To(email).ShouldBeEmpty();
        app.Texts.Accepted.ShouldNotContain(t => t.To == E164(phone));
    }
}
