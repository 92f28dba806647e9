using System.Security.Claims;
using JasperFx;
using JasperFx.Events;
using Marten;
using Matching.Service.Infrastructure;
using Matching.Service.Notifications;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Twilio.Security;
using Wolverine.Http;

namespace Matching.Service.Referrals.TextOptOut;

/// <summary>What a text from the client asks of our texts: stop them, or start them again.</summary>
public enum TextReplyKind { Stop, Start }

/// <summary>A keyword the client texted, as they wrote it once case and spaces are set aside ("STOP", "UNSUBSCRIBE").</summary>
public sealed record TextReply(TextReplyKind Kind, string Keyword)
{
    // Twilio's own opt-out and opt-in keywords: its network stops (and resumes) delivery on them, so we honour the same words.
    private static readonly string[] StopWords = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"];
    private static readonly string[] StartWords = ["START", "UNSTOP", "YES"];

    /// <summary>The keyword in a text's body, or null for any other text (a question, a thank-you): only a keyword alone counts.</summary>
    public static TextReply? Read(string? body)
    {
        var word = string.Concat((body ?? "").Where(c => !char.IsWhiteSpace(c))).ToUpperInvariant();
        return StopWords.Contains(word) ? new TextReply(TextReplyKind.Stop, word)
            : StartWords.Contains(word) ? new TextReply(TextReplyKind.Start, word)
            : null;
    }
}

// Not a Wolverine handler (no message): the webhook calls it once it has checked the signature.
public static class TextReplies
{
    /// <summary>
    /// What a keyword from the client's number records on one of their referrals: a STOP on an open referral whose texts
    /// still go, a START where they were stopped; nothing otherwise (a second STOP changes nothing, an erased or closed
    /// referral sends no texts to stop).
    /// </summary>
    public static object? Decide(Referral referral, TextReply reply)
    {
        if (referral.PersonalDataErased || referral.Status == ReferralStatus.Closed) return null;
        return reply.Kind switch
        {
            TextReplyKind.Stop when !referral.TextsStopped => new TextMessagesStopped(reply.Keyword),
            TextReplyKind.Start when referral.TextsStopped => new TextMessagesResumed(reply.Keyword),
            _ => null
        };
    }

    /// <summary>The open referrals, data not erased, whose client's phone is <paramref name="e164"/> (an index lookup).</summary>
    public static Task<IReadOnlyList<Guid>> ReferralsTextingAsync(IQuerySession session, string e164, CancellationToken cancellation) =>
        session.Query<Referral>()
            .Where(r => r.TextNumber == e164 && r.Status != ReferralStatus.Closed && !r.PersonalDataErased)
            .Select(r => r.Id)
            .ToListAsync(cancellation);

    /// <summary>
    /// Records the reply on every referral of that number, in one transaction. A referral changed meanwhile (its stream
    /// moved past the version it was read at) makes the whole write retry on fresh state, so nothing is decided on a stale referral.
    /// </summary>
    public static async Task<int> HandleAsync(string e164, TextReply reply, IDocumentStore store, HttpContext http, CancellationToken cancellation)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession();
            ActorStampingSessionFactory.Stamp(session, http);
            var changed = 0;
            foreach (var id in await ReferralsTextingAsync(session, e164, cancellation))
            {
                var stream = await session.Events.FetchForWriting<Referral>(id, cancellation);
                if (stream.Aggregate is not { } referral || Decide(referral, reply) is not { } recorded) continue;
                stream.AppendOne(recorded);
                changed++;
            }
            if (changed == 0) return 0;
            try
            {
                await session.SaveChangesAsync(cancellation);
                return changed;
            }
            catch (Exception e) when (attempt < 3 && e is ConcurrencyException or EventStreamUnexpectedMaxEventIdException)
            {
            }
        }
    }
}

/// <summary>
/// Twilio's webhook for texts sent to the practice's number (form-encoded: From, Body, ...). Only a request Twilio signed
/// with the account's auth token over the public URL is read; the number and the text are never logged.
/// </summary>
public static class InboundTextEndpoint
{
    public const string Route = "/api/sms/inbound";
    public const string SignatureHeader = "X-Twilio-Signature";
    /// <summary>An empty TwiML answer: Twilio sends no reply of ours (its own confirmation of STOP and START still goes).</summary>
    public const string EmptyTwiml = """<?xml version="1.0" encoding="UTF-8"?><Response/>""";

    /// <summary>Who a keyword from the client's phone acts as: the client, as on their link.</summary>
    private static ClaimsPrincipal Client => new(new ClaimsIdentity(
        [new Claim("sub", Roles.Client), new Claim("name", Roles.Client), new Claim("role", Roles.Client)],
        authenticationType: "sms-reply", nameType: "name", roleType: "role"));

    public static ProblemDetails NotSigned => new()
    {
        Status = StatusCodes.Status403Forbidden,
        Title = "The request is not signed by the SMS provider.",
        Type = "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        Extensions = { ["code"] = "signatureInvalid" }
    };

    [WolverinePost(Route), AllowAnonymous]
    [ProducesResponseType<string>(200, "text/xml"), ProducesResponseType<ProblemDetails>(403), ProducesResponseType<ProblemDetails>(404)]
    public static async Task<IResult> Post(
        HttpContext http, IOptions<SmsOptions> sms, MatchingOptions options, IDocumentStore store, CancellationToken cancellation)
    {
        // Without an account there is no number to text back to, and no token to check a signature with.
        if (!sms.Value.Configured) return Results.Problem(Problems.NotFound("route: text messages are not configured"));
        if (!http.Request.HasFormContentType) return Results.Problem(NotSigned);

        var form = await http.Request.ReadFormAsync(cancellation);
        var signature = http.Request.Headers[SignatureHeader].ToString();
        // Twilio signs the URL it was told to call: ours as the public sees it, not as a proxy hands it on.
        var url = options.PublicBaseUrl.TrimEnd('/') + Route + http.Request.QueryString;
        var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString());
        if (string.IsNullOrEmpty(signature) || !new RequestValidator(sms.Value.AuthToken).Validate(url, fields, signature))
            return Results.Problem(NotSigned);

        if (TextReply.Read(fields.GetValueOrDefault("Body")) is { } reply
            && PhoneNumbersE164.Normalize(fields.GetValueOrDefault("From")) is { } from)
        {
            http.User = Client;
            await TextReplies.HandleAsync(from, reply, store, http, cancellation);
        }
        return Results.Text(EmptyTwiml, "text/xml", System.Text.Encoding.UTF8);
    }
}
