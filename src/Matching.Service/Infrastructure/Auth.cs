using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Matching.Service.Infrastructure;

public static class Auth
{
    /// <summary>Chooses per request: bearer tokens for the API, the browser's cookie for the pages.</summary>
    public const string ByPathScheme = "by-path";
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string OidcScheme = OpenIdConnectDefaults.AuthenticationScheme;

    /// <summary>Development only: HS256 dev tokens and a sign-in page that picks a demo user. Never in any other environment.</summary>
    public static bool DemoSignIn(IHostEnvironment environment, IConfiguration configuration) =>
        environment.IsDevelopment() && !string.IsNullOrEmpty(configuration["Auth:SigningKey"]);

    /// <summary>Requests the API serves: they authenticate with a bearer token only, and are never redirected.</summary>
    public static bool IsApiRequest(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/health")
        || request.Path.StartsWithSegments("/openapi") || request.Path.StartsWithSegments("/docs")
        || request.Path.StartsWithSegments("/fhir")
        || request.Headers.Authorization.Any(h => h?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true);

    public static void AddMatchingAuth(this WebApplicationBuilder builder)
    {
        // IdentityModel refreshes signing keys in the background by default, so the request that meets a rotated key
        // fails while the refresh runs; blocking makes that request wait for the new keys and validate against them.
        AppContext.SetSwitch("Switch.Microsoft.IdentityModel.UpdateConfigAsBlocking", true);

        var config = builder.Configuration.GetSection("Auth");
        var devTokens = DemoSignIn(builder.Environment, builder.Configuration);
        var oidc = UsesOidc(builder.Environment, builder.Configuration);
        var claims = new IdentityClaims(config["RoleClaim"], config["ClinicianIdClaim"], config["ReferrerOrgClaim"]);
        var requireHttpsMetadata = config.GetValue("RequireHttpsMetadata", true);
        // The contract's default, in code: a host started from another folder doesn't read appsettings.json.
        var audience = config["Audience"] is { Length: > 0 } configured ? configured : "matching";

        var authentication = builder.Services
            .AddAuthentication(o =>
            {
                o.DefaultScheme = ByPathScheme;
                o.DefaultChallengeScheme = ByPathScheme;
            })
            .AddPolicyScheme(ByPathScheme, "Bearer token for the API, cookie for the pages", o =>
                o.ForwardDefaultSelector = context => IsApiRequest(context.Request) ? JwtBearerDefaults.AuthenticationScheme : CookieScheme)
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = "matching.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                // Secure whenever the browser's scheme was https, behind a known TLS proxy too (HttpHardening); always,
                // where HTTPS is enforced, so a proxy missing from Proxy:KnownNetworks breaks sign-in visibly instead
                // of quietly sending the cookie in the clear.
                o.Cookie.SecurePolicy = HttpHardening.EnforcesHttps(builder) ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.LoginPath = "/sign-in";
                o.LogoutPath = "/sign-out";
                o.AccessDeniedPath = "/denied";
                if (oidc) o.ForwardChallenge = OidcScheme;
            })
            .AddJwtBearer(options =>
            {
                options.MapInboundClaims = false;
                // Why a token failed is for the logs, not for whoever holds it.
                options.IncludeErrorDetails = builder.Environment.IsDevelopment();
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    NameClaimType = "name",
                    RoleClaimType = "role",
                    ValidAudience = audience,
                    ValidateAudience = true,
                    ValidateLifetime = true,
                    ClockSkew = TimeSpan.FromSeconds(30)
                };
                if (devTokens)
                {
                    // Development: HS256 tokens minted by the development host's `dev-token` command.
                    options.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(config["SigningKey"]!));
                    options.TokenValidationParameters.ValidIssuer = config["Issuer"];
                    options.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
                }
                else
                {
                    // Discovery and signing keys from the provider. A token signed with a key id the service hasn't
                    // seen makes it fetch the keys again and retry that token (key rotation), at most once a minute
                    // (so tokens with made-up key ids can't make it hammer the provider); keys published ahead of
                    // their use are picked up within the hour anyway.
                    options.Authority = config["Authority"];
                    // IdentityModel 8 fetches the keys on a background thread after a refresh request, so the retry
                    // could still see the old keys and refuse the very token that asked for them: fetch in line.
                    AppContext.SetSwitch("Switch.Microsoft.IdentityModel.UpdateConfigAsBlocking", true);
                    options.RequireHttpsMetadata = requireHttpsMetadata;
                    options.RefreshInterval = TimeSpan.FromMinutes(1);
                    options.AutomaticRefreshInterval = TimeSpan.FromHours(1);
                    options.TokenValidationParameters.ValidAlgorithms =
                        [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
                         SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
                         SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512];
                    options.Events = new JwtBearerEvents
                    {
                        OnTokenValidated = context =>
                        {
                            claims.Normalize(context.Principal);
                            return Task.CompletedTask;
                        }
                    };
                }
            });

        if (!devTokens)
        {
            // A key the provider stopped publishing stops working when the service next reads the keys, rather than
            // an hour later through IdentityModel's "last known good" copy: a key is retired because it leaked.
            builder.Services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o =>
            {
                if (o.ConfigurationManager is BaseConfigurationManager manager) manager.UseLastKnownGoodConfiguration = false;
            });
        }

        if (oidc)
        {
            authentication.AddOpenIdConnect(OidcScheme, options =>
            {
                options.SignInScheme = CookieScheme;
                options.Authority = config["Authority"];
                options.ClientId = config["ClientId"] is { Length: > 0 } clientId ? clientId : audience;
                options.ClientSecret = config["ClientSecret"];
                options.ResponseType = "code";
                options.UsePkce = true;
                // The code comes back on a top-level GET, so the correlation and nonce cookies can be SameSite=Lax
                // (a cross-site form post only carries SameSite=None cookies, which must be Secure: no plain-http
                // provider on loopback). The code is single-use and bound to the PKCE verifier.
                options.ResponseMode = OpenIdConnectResponseMode.Query;
                options.CorrelationCookie.SameSite = SameSiteMode.Lax;
                options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.NonceCookie.SameSite = SameSiteMode.Lax;
                options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.MapInboundClaims = false;
                options.GetClaimsFromUserInfoEndpoint = true;
                options.SaveTokens = false;
                options.RequireHttpsMetadata = requireHttpsMetadata;
                options.TokenValidationParameters.NameClaimType = "name";
                options.TokenValidationParameters.RoleClaimType = "role";
                options.Scope.Add("profile");
                // Roles and the clinician id may come from the user-info answer rather than the identity token; a JSON
                // object (Keycloak's realm_access) is kept whole for the mapping to read into.
                foreach (var type in claims.UserInfoClaims)
                    options.ClaimActions.Add(new CustomJsonClaimAction(type, ClaimValueTypes.String, user =>
                        user.TryGetProperty(type, out var value)
                            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
                            : null));
                options.Events = new OpenIdConnectEvents
                {
                    OnTicketReceived = context =>
                    {
                        claims.Normalize(context.Principal);
                        return Task.CompletedTask;
                    },
                    // Without an id_token_hint the provider needs the client to accept post_logout_redirect_uri
                    // (Keycloak refuses the request otherwise).
                    OnRedirectToIdentityProviderForSignOut = context =>
                    {
                        context.ProtocolMessage.ClientId = context.Options.ClientId;
                        return Task.CompletedTask;
                    }
                };
            });
        }

        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Coordination, p => p.RequireRole(Roles.Coordinator, Roles.Admin))
            .AddPolicy(Policies.Clinicians, p => p.RequireRole(Roles.Clinician).RequireClaim(Policies.ClinicianIdClaim))
            .AddPolicy(Policies.Erasure, p => p.RequireRole(Roles.Compliance, Roles.Admin))
            .AddPolicy(Policies.DirectoryAdmin, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Policies.OwnClinicianRecord, p => p.RequireAuthenticatedUser().RequireAssertion(c => MayChangeClinician(c.User, c.Resource)))
            .AddPolicy(Policies.DirectoryRead, p => p.RequireRole(Roles.Coordinator, Roles.Admin))
            .AddPolicy(Policies.Audit, p => p.RequireRole(Roles.Compliance))
            .AddPolicy(Policies.Reports, p => p.RequireRole(Roles.Analyst, Roles.Admin, Roles.Compliance))
            .AddPolicy(Policies.Referrals, p => p.RequireRole(Roles.Referrer).RequireClaim(Policies.ReferrerOrgClaim));
    }

    /// <summary>Whether pages sign in through the OIDC provider (everywhere but a Development service with dev tokens).</summary>
    public static bool UsesOidc(IHostEnvironment environment, IConfiguration configuration) =>
        !DemoSignIn(environment, configuration) && !string.IsNullOrEmpty(configuration["Auth:Authority"]);

    /// <summary>
    /// An admin may change any clinician's availability, capacity and pause; a clinician only their own, named by the route's
    /// {clinicianId} and matched against their token's claim, so another clinician's id is a 403.
    /// </summary>
    public static bool MayChangeClinician(ClaimsPrincipal user, object? resource) =>
        user.IsInRole(Roles.Admin)
        || (user.IsInRole(Roles.Clinician) && user.ClinicianId() is { } own && resource is HttpContext http
            && Guid.TryParse(http.GetRouteValue("clinicianId")?.ToString(), out var named) && named == own);

    /// <summary>The organization a referrer's token is bound to.</summary>
    public static string? ReferrerOrg(this ClaimsPrincipal user) =>
        user.FindFirst(Policies.ReferrerOrgClaim)?.Value is { Length: > 0 } org ? org : null;

    /// <summary>The clinician id on a clinician's token.</summary>
    public static Guid? ClinicianId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirst(Policies.ClinicianIdClaim)?.Value, out var id) ? id : null;
}

/// <summary>
/// Maps a provider's claims onto the ones the service reads: `role` (one claim per known role, taken from
/// `Auth:RoleClaim`, which may name a JSON path such as Keycloak's `realm_access.roles`), `clinician_id`
/// (from `Auth:ClinicianIdClaim`) and `name` (falling back to `preferred_username`). Providers add roles of
/// their own (Keycloak's `offline_access`, `default-roles-…`): only the service's five are kept, so the actor
/// recorded on every event names them alone.
/// </summary>
public sealed class IdentityClaims(string? roleClaim, string? clinicianIdClaim, string? referrerOrgClaim = null)
{
    private readonly string _roleClaim = string.IsNullOrWhiteSpace(roleClaim) ? "role" : roleClaim.Trim();

    public string ClinicianIdClaim { get; } = string.IsNullOrWhiteSpace(clinicianIdClaim) ? Policies.ClinicianIdClaim : clinicianIdClaim.Trim();

    /// <summary>The claim naming a referrer's organization (`Auth:ReferrerOrgClaim`, `referrer_org` by default).</summary>
    public string ReferrerOrgClaim { get; } = string.IsNullOrWhiteSpace(referrerOrgClaim) ? Policies.ReferrerOrgClaim : referrerOrgClaim.Trim();

    /// <summary>The claims to take from the user-info answer: the roles' claim (its top level, for a path) and the clinician id's.</summary>
    public IEnumerable<string> UserInfoClaims => new[] { _roleClaim, _roleClaim.Split('.')[0], ClinicianIdClaim, ReferrerOrgClaim }.Distinct();

    public void Normalize(ClaimsPrincipal? principal)
    {
        if (principal?.Identity is not ClaimsIdentity identity) return;

        var roles = RoleValues(identity).Where(r => Roles.All.Contains(r, StringComparer.Ordinal)).Distinct().ToArray();
        foreach (var claim in identity.FindAll("role").ToArray()) identity.RemoveClaim(claim);
        foreach (var role in roles) identity.AddClaim(new Claim("role", role));

        if (ClinicianIdClaim != Policies.ClinicianIdClaim)
        {
            // Only the configured claim speaks for the clinician id: one the token brings under the default name
            // (which a provider may let users edit) must not.
            var configured = identity.FindAll(ClinicianIdClaim).Select(c => c.Value).Distinct().ToArray();
            foreach (var claim in identity.FindAll(Policies.ClinicianIdClaim).ToArray()) identity.RemoveClaim(claim);
            if (configured is [var id] && Guid.TryParse(id, out _)) identity.AddClaim(new Claim(Policies.ClinicianIdClaim, id));
        }

        if (ReferrerOrgClaim != Policies.ReferrerOrgClaim)
        {
            // As for the clinician id: only the configured claim names the organization.
            var configured = identity.FindAll(ReferrerOrgClaim).Select(c => c.Value).Distinct().ToArray();
            foreach (var claim in identity.FindAll(Policies.ReferrerOrgClaim).ToArray()) identity.RemoveClaim(claim);
            if (configured is [{ Length: > 0 } org]) identity.AddClaim(new Claim(Policies.ReferrerOrgClaim, org));
        }

        if (identity.FindFirst("name") is null && identity.FindFirst("preferred_username") is { } username)
            identity.AddClaim(new Claim("name", username.Value));
    }

    /// <summary>
    /// The roles: the claim named as configured when the token has it (names may hold dots, e.g.
    /// `https://practice.example/roles`), else the configured name read as a path into a JSON claim.
    /// </summary>
    private IEnumerable<string> RoleValues(ClaimsIdentity identity)
    {
        if (identity.HasClaim(c => c.Type == _roleClaim))
            return identity.FindAll(_roleClaim).SelectMany(c => Values(c, []));
        var path = _roleClaim.Split('.');
        return identity.FindAll(path[0]).SelectMany(c => Values(c, path[1..]));
    }

    /// <summary>The strings at <paramref name="path" /> inside a claim's value (a plain string, or JSON when a path follows).</summary>
    private static IEnumerable<string> Values(Claim claim, string[] path)
    {
        if (path.Length == 0 && !LooksLikeJson(claim.Value)) return [claim.Value];
        try
        {
            using var document = JsonDocument.Parse(claim.Value);
            var node = document.RootElement;
            foreach (var segment in path)
            {
                if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(segment, out node)) return [];
            }
            return node.ValueKind switch
            {
                JsonValueKind.Array => node.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToArray(),
                JsonValueKind.String => [node.GetString()!],
                _ => []
            };
        }
        catch (JsonException)
        {
            return path.Length == 0 ? [claim.Value] : [];
        }
    }

    private static bool LooksLikeJson(string value) => value.StartsWith('{') || value.StartsWith('[');
}
