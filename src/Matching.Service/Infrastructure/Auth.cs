using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Matching.Service.Infrastructure;

public static class Auth
{
    public static void AddMatchingAuth(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration.GetSection("Auth");
        var signingKey = config["SigningKey"];
        var devTokens = !string.IsNullOrEmpty(signingKey)
                        && (builder.Environment.IsDevelopment() || builder.Environment.IsEnvironment("Testing"));

        builder.Services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
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

    /// <summary>Mints an HS256 token with the claims the service reads.</summary>
    public static string MintDevToken(string signingKey, string issuer, string audience, string sub, string? name,
        IEnumerable<string> roles, Guid? clinicianId, TimeSpan lifetime)
    {
        var claims = new List<Claim> { new("sub", sub), new("name", name ?? sub) };
        claims.AddRange(roles.Select(r => new Claim("role", r)));
        if (clinicianId is { } id) claims.Add(new Claim(Policies.ClinicianIdClaim, id.ToString()));
        var credentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256);
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var token = new JwtSecurityToken(issuer, audience, claims, now.AddSeconds(-5), now.Add(lifetime), credentials);
        return new JwtSecurityTokenHandler().WriteToken(token);
    }
}
