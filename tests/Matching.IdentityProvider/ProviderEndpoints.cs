using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Matching.Idp;

/// <summary>
/// The passthrough endpoints: OpenIddict has already validated each request (client, redirect URI, PKCE,
/// code, refresh token); this code decides who is signed in and what their tokens say.
/// </summary>
internal static class ProviderEndpoints
{
    /// <summary>The provider's own session cookie, set by the login page.</summary>
    public const string SessionScheme = "idp.session";
    private const string Server = OpenIddictServerAspNetCoreDefaults.AuthenticationScheme;
    public const string RealmAccessClaim = "realm_access";

    public static void Map(WebApplication app)
    {
        app.MapMethods("connect/authorize", [HttpMethods.Get, HttpMethods.Post], Authorize);
        app.MapPost("connect/token", Token);
        app.MapMethods("connect/userinfo", [HttpMethods.Get, HttpMethods.Post], UserInfo);
        app.MapMethods("connect/logout", [HttpMethods.Get, HttpMethods.Post], (Delegate)Logout); // a Delegate, so the IResult is written
    }

    private static async Task<IResult> Authorize(HttpContext context, ProviderOptions options)
    {
        var request = context.GetOpenIddictServerRequest()!;
        var session = await context.AuthenticateAsync(SessionScheme);
        var user = FindUser(options, session.Principal?.GetClaim(Claims.Subject));
        if (user is null)
        {
            if (request.HasPromptValue(PromptValues.None))
                return Refuse(Errors.LoginRequired, "The user is not signed in.");
            // After the login page, come back to this very authorization request.
            IEnumerable<KeyValuePair<string, StringValues>> parameters =
                context.Request.HasFormContentType ? context.Request.Form : context.Request.Query;
            var returnUrl = context.Request.PathBase + context.Request.Path + QueryString.Create(parameters);
            return Results.Challenge(new AuthenticationProperties { RedirectUri = returnUrl }, [SessionScheme]);
        }
        // No consent screen: every registered client is pre-approved. (prompt=login is not honoured: an open
        // provider session is reused.)
        return SignIn(Principal(options, Identity(options, user), request.GetScopes()));
    }

    private static async Task<IResult> Token(HttpContext context, ProviderOptions options)
    {
        var request = context.GetOpenIddictServerRequest()!;
        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            // The code or refresh token is valid: rebuild the claims from the user as they are now,
            // keeping what was granted (scopes) and the authorization the tokens belong to.
            var granted = (await context.AuthenticateAsync(Server)).Principal!;
            var user = FindUser(options, granted.GetClaim(Claims.Subject));
            if (user is null) return Refuse(Errors.InvalidGrant, "The user no longer exists.");
            var principal = Principal(options, Identity(options, user), granted.GetScopes());
            principal.SetAuthorizationId(granted.GetAuthorizationId());
            return SignIn(principal);
        }
        if (request.IsPasswordGrantType())
        {
            // Only clients registered with AllowPasswordGrant get here: OpenIddict checks the grant permission.
            var user = CheckPassword(options, request.Username, request.Password);
            return user is null
                ? Refuse(Errors.InvalidGrant, "The user name or password is wrong.")
                : SignIn(Principal(options, Identity(options, user), request.GetScopes()));
        }
        if (request.IsClientCredentialsGrantType())
        {
            var client = options.Clients.Single(c => c.ClientId == request.ClientId);
            return SignIn(Principal(options, Identity(options, client), request.GetScopes()));
        }
        return Refuse(Errors.UnsupportedGrantType, "The grant type is not supported.");
    }

    /// <summary>The same claims as the tokens, read again from the user (or client) the access token names.</summary>
    private static async Task<IResult> UserInfo(HttpContext context, ProviderOptions options)
    {
        var subject = (await context.AuthenticateAsync(Server)).Principal?.GetClaim(Claims.Subject);
        var identity = FindUser(options, subject) is { } user ? Identity(options, user)
            : options.Clients.FirstOrDefault(c => c.ClientId == subject) is { } client ? Identity(options, client)
            : null;
        if (identity is null)
            return Results.Challenge(ErrorProperties(Errors.InvalidToken, "The token's subject no longer exists."), [Server]);
        return Results.Json(identity.Claims.GroupBy(c => c.Type).ToDictionary(
            g => g.Key, g => g.Count() == 1 ? JsonValue(g.First()) : g.Select(JsonValue).ToArray()));
    }

    private static async Task<IResult> Logout(HttpContext context)
    {
        await context.SignOutAsync(SessionScheme);
        // OpenIddict sends the browser to the request's post_logout_redirect_uri when the client registered it
        // (it refuses an unregistered one); this redirect is for requests that named none.
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [Server]);
    }

    public static ProviderUser? CheckPassword(ProviderOptions options, string? userName, string? password) =>
        options.Users.FirstOrDefault(u => u.UserName == userName) is { } user
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(user.Password), Encoding.UTF8.GetBytes(password ?? ""))
            ? user
            : null;

    public static ProviderUser? FindUser(ProviderOptions options, string? subject) =>
        subject is null ? null : options.Users.FirstOrDefault(u => u.Subject == subject);

    private static ClaimsIdentity Identity(ProviderOptions options, ProviderUser user)
    {
        var identity = NewIdentity(user.Subject).SetClaim(Claims.Name, user.Name);
        AddRoles(identity, options.RoleShape, user.Roles);
        if (user.ClinicianId is { } clinicianId) identity.SetClaim(options.ClinicianIdClaim, clinicianId);
        foreach (var (type, value) in user.ExtraClaims ?? new Dictionary<string, string>()) identity.AddClaim(type, value);
        return identity;
    }

    /// <summary>A client-credentials token speaks for the client itself: its id as subject, its claims and roles.</summary>
    private static ClaimsIdentity Identity(ProviderOptions options, ProviderClient client)
    {
        var identity = NewIdentity(client.ClientId);
        foreach (var (type, value) in client.Claims ?? new Dictionary<string, string>()) identity.AddClaim(type, value);
        AddRoles(identity, options.RoleShape, client.Roles ?? []);
        return identity;
    }

    private static ClaimsIdentity NewIdentity(string subject) =>
        new ClaimsIdentity(Server, Claims.Name, Claims.Role).SetClaim(Claims.Subject, subject);

    private static void AddRoles(ClaimsIdentity identity, RoleClaimShape shape, IReadOnlyList<string> roles)
    {
        if (roles.Count == 0) return;
        if (shape == RoleClaimShape.Flat)
            // Several claims of one type are written as one JSON array; a single one as a string.
            identity.AddClaims(Claims.Role, [.. roles]);
        else
            // A JSON claim (value type "JSON") is written as the object itself, not as a string.
            identity.SetClaim(RealmAccessClaim, JsonSerializer.SerializeToElement(new { roles }));
    }

    private static ClaimsPrincipal Principal(ProviderOptions options, ClaimsIdentity identity, IEnumerable<string> scopes)
    {
        var principal = new ClaimsPrincipal(identity).SetScopes(scopes);
        // The service is the only API: every access token is for it, whatever scopes the client asked for.
        principal.SetResources(options.Audience);
        // A claim without a destination reaches no token. Not tied to scopes: the service's OpenID Connect
        // handler asks for "openid profile" only, and still needs the roles in the identity token.
        principal.SetDestinations(static _ => [Destinations.AccessToken, Destinations.IdentityToken]);
        return principal;
    }

    private static object JsonValue(Claim claim) =>
        claim.ValueType == JsonClaimValueTypes.Json ? JsonSerializer.Deserialize<JsonElement>(claim.Value) : claim.Value;

    private static IResult SignIn(ClaimsPrincipal principal) => Results.SignIn(principal, authenticationScheme: Server);

    private static IResult Refuse(string error, string description) => Results.Forbid(ErrorProperties(error, description), [Server]);

    private static AuthenticationProperties ErrorProperties(string error, string description) => new(new Dictionary<string, string?>
    {
        [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description
    });
}
