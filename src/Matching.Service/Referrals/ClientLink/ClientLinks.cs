using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Marten;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;

namespace Matching.Service.Referrals.ClientLink;

/// <summary>
/// Finds the referral a link's token opens: the SHA-256 of the token is the id (docs/adr/0032-client-link.md). Written in
/// the transaction of the <see cref="ClientLinkIssued"/> that carries the same hash, so it can be rebuilt from the events.
/// </summary>
public sealed class ClientLinkKey
{
    public string Id { get; set; } = "";
    public Guid ReferralId { get; set; }
    public Guid LinkId { get; set; }
}

/// <summary>A link just issued: the token (for the message or the answer that carries it), its event and its key.</summary>
public sealed record IssuedClientLink(string Token, ClientLinkIssued Issued, ClientLinkKey Key);

/// <summary>The referral a request's link opened, set by <see cref="ClientLinks.UseClientLinks"/> for the link's routes only.</summary>
public sealed record ClientLinkVisit(Referral Referral, Guid LinkId);

public static class ClientLinks
{
    public const string RateLimitPolicy = "client-link";
    public const string ReferralClaim = "referral_id";
    private const int TokenBytes = 32;

    /// <summary>256 random bits, URL-safe: 43 characters.</summary>
    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(TokenBytes));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Only what <see cref="NewToken"/> makes is looked up: anything else is refused without a query.</summary>
    public static bool IsWellFormed(string? token) =>
        token is { Length: 43 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>A new link for the referral. <paramref name="replacesEarlier"/>: every earlier link stops working.</summary>
    public static IssuedClientLink Issue(Guid referralId, DateTimeOffset now, TimeSpan lifetime, bool replacesEarlier)
    {
        var token = NewToken();
        var hash = Hash(token);
        var linkId = Guid.CreateVersion7();
        return new IssuedClientLink(token, new ClientLinkIssued(linkId, hash, now + lifetime, replacesEarlier),
            new ClientLinkKey { Id = hash, ReferralId = referralId, LinkId = linkId });
    }

    /// <summary>Stores the link's key; the caller appends <see cref="IssuedClientLink.Issued"/> to the referral in the same session.</summary>
    public static void Keep(IDocumentSession session, IssuedClientLink link) => session.Store(link.Key);

    public static string Url(MatchingOptions options, string token) => $"{options.PublicBaseUrl.TrimEnd('/')}/r/{token}";

    /// <summary>The referral the token opens now, or null when the token is unknown, expired or revoked (one answer for all three).</summary>
    public static async Task<ClientLinkVisit?> OpenAsync(IQuerySession session, string? token, DateTimeOffset now, CancellationToken cancellation)
    {
        if (!IsWellFormed(token)) return null;
        var key = await session.LoadAsync<ClientLinkKey>(Hash(token!), cancellation);
        if (key is null) return null;
        var referral = await session.LoadAsync<Referral>(key.ReferralId, cancellation);
        return referral is not null && referral.LinkOpens(key.LinkId, now) ? new ClientLinkVisit(referral, key.LinkId) : null;
    }

    /// <summary>Who acts through a link: the client, as the contract names them, and nothing more.</summary>
    public static ClaimsPrincipal Principal(Guid referralId) => new(new ClaimsIdentity(
        [new Claim("sub", Roles.Client), new Claim("name", Roles.Client), new Claim("role", Roles.Client), new Claim(ReferralClaim, referralId.ToString())],
        authenticationType: "client-link", nameType: "name", roleType: "role"));

    public static ClientLinkVisit? Visit(HttpContext context) => context.Features.Get<ClientLinkVisit>();

    /// <summary>
    /// A command on the referral the request's link opens, answered as HTTP (every link route that changes something
    /// goes through here); a link that opens nothing gets <see cref="NotFound"/> and sends nothing.
    /// </summary>
    public static async Task<HttpAnswer<TResult>> AnswerAsync<TResult>(HttpContext context, Func<Referral, Task<Answer<TResult>>> send)
        where TResult : class, IAnswer =>
        new(Visit(context) is { } visit ? await send(visit.Referral) : new Answer<TResult>(null, NotFound));

    /// <summary>The one answer for an unknown, expired or revoked link: it says nothing of which.</summary>
    public static ProblemDetails NotFound => new()
    {
        Status = StatusCodes.Status404NotFound,
        Title = "This link doesn't open anything.",
        Detail = "It may have expired or been replaced. Please contact the practice for a new one.",
        Type = "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        Extensions = { ["code"] = "linkNotFound" }
    };

    /// <summary>The link's routes: <c>/api/client/{token}/...</c> and the page <c>/r/{token}</c>.</summary>
    public static string? TokenOf(PathString path)
    {
        var value = path.Value ?? "";
        var rest = value.StartsWith("/api/client/", StringComparison.Ordinal) ? value["/api/client/".Length..]
            : value.StartsWith("/r/", StringComparison.Ordinal) ? value["/r/".Length..]
            : null;
        if (rest is null) return null;
        var end = rest.IndexOf('/');
        return end < 0 ? rest : rest[..end];
    }

    /// <summary>
    /// After authentication, authorization and rate limiting: a request on a link's route acts as the client of the
    /// referral its token opens, whoever else the browser is signed in as, so what it appends names the client. Every
    /// other route is untouched: the link reaches nothing else.
    /// </summary>
    public static void UseClientLinks(this WebApplication app) => app.Use(async (context, next) =>
    {
        if (TokenOf(context.Request.Path) is { } token)
        {
            context.User = new ClaimsPrincipal(new ClaimsIdentity());
            var store = context.RequestServices.GetRequiredService<IDocumentStore>();
            var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
            await using var session = store.QuerySession();
            if (await OpenAsync(session, token, now, context.RequestAborted) is { } visit)
            {
                context.User = Principal(visit.Referral.Id);
                context.Features.Set(visit);
            }
        }
        await next(context);
    });
}

/// <summary>
/// Seals a link's token inside the durable message that delivers it, with the service's shared key ring (the token is
/// never in the message tables in the clear) and unseals it when the message is sent.
/// </summary>
public sealed class ClientLinkSealer(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Matching.ClientLink.Token.v1");

    public string Seal(string token) => _protector.Protect(token);

    /// <summary>Null when the sealed token can't be read (a key ring replaced since): the message then goes without a link.</summary>
    public string? Unseal(string sealedToken)
    {
        try { return _protector.Unprotect(sealedToken); }
        catch (CryptographicException) { return null; }
    }
}
