using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Matching.Service.Infrastructure;

public static class Auth
{
    /// <summary>Chooses per request: bearer tokens for the API, the browser's cookie for the pages.</summary>
    public const string ByPathScheme = "by-path";
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string OidcScheme = OpenIdConnectDefaults.AuthenticationScheme;

    /// <summary>In Development and tests a sign-in page picks a demo user; elsewhere sign-in goes to the OIDC authority.</summary>
    public static bool DemoSignIn(IHostEnvironment environment, IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration["Auth:SigningKey"])
        && (environment.IsDevelopment() || environment.IsEnvironment("Testing"));

    /// <summary>Requests the API serves: they authenticate with a bearer token only, and are never redirected.</summary>
    public static bool IsApiRequest(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/health")
        || request.Path.StartsWithSegments("/openapi") || request.Path.StartsWithSegments("/docs")
        || request.Headers.Authorization.Any(h => h?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true);

    public static void AddMatchingAuth(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration.GetSection("Auth");
        var signingKey = config["SigningKey"];
        var devTokens = DemoSignIn(builder.Environment, builder.Configuration);
        var oidc = !devTokens && !string.IsNullOrEmpty(config["Authority"]);

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
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
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
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    NameClaimType = "name",
                    RoleClaimType = "role",
                    ValidAudience = config["Audience"],
                    ValidateAudience = true,
                    ValidateLifetime = true,
                    ClockSkew = TimeSpan.FromSeconds(30)
                };
                if (devTokens)
                {
                    // Development and tests: HS256 tokens minted by the `dev-token` command.
                    options.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey!));
                    options.TokenValidationParameters.ValidIssuer = config["Issuer"];
                    options.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
                }
                else
                {
                    options.Authority = config["Authority"];
                    options.RequireHttpsMetadata = !builder.Environment.IsDevelopment();
                }
            });

        if (oidc)
        {
            authentication.AddOpenIdConnect(OidcScheme, options =>
            {
                options.SignInScheme = CookieScheme;
                options.Authority = config["Authority"];
                options.ClientId = config["ClientId"] ?? config["Audience"];
                options.ClientSecret = config["ClientSecret"];
                options.ResponseType = "code";
                options.UsePkce = true;
                options.MapInboundClaims = false;
                options.GetClaimsFromUserInfoEndpoint = true;
                options.SaveTokens = false;
                options.RequireHttpsMetadata = !builder.Environment.IsDevelopment();
                options.TokenValidationParameters.NameClaimType = "name";
                options.TokenValidationParameters.RoleClaimType = "role";
                options.Scope.Add("profile");
            });
        }

        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Coordination, p => p.RequireRole(Roles.Coordinator, Roles.Admin))
            .AddPolicy(Policies.Clinicians, p => p.RequireRole(Roles.Clinician).RequireClaim(Policies.ClinicianIdClaim))
            .AddPolicy(Policies.Erasure, p => p.RequireRole(Roles.Compliance, Roles.Admin))
            .AddPolicy(Policies.DirectoryAdmin, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Policies.DirectoryRead, p => p.RequireRole(Roles.Coordinator, Roles.Admin))
            .AddPolicy(Policies.Audit, p => p.RequireRole(Roles.Compliance))
            .AddPolicy(Policies.Reports, p => p.RequireRole(Roles.Analyst, Roles.Admin, Roles.Compliance));
    }

    /// <summary>The clinician id on a clinician's token.</summary>
    public static Guid? ClinicianId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirst(Policies.ClinicianIdClaim)?.Value, out var id) ? id : null;
}
