using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Text;
using Matching.Service.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace Matching.DevHost;

/// <summary>HS256 tokens for a Development service, signed with `Auth:SigningKey`: never accepted elsewhere.</summary>
public static class DevTokens
{
    /// <summary>Mints a token with the claims the service reads.</summary>
    public static string Mint(string signingKey, string issuer, string audience, string sub, string? name,
        IEnumerable<string> roles, Guid? clinicianId, TimeSpan lifetime, string? referrerOrg = null)
    {
        var claims = new List<Claim> { new("sub", sub), new("name", name ?? sub) };
        claims.AddRange(roles.Select(r => new Claim("role", r)));
        if (clinicianId is { } id) claims.Add(new Claim(Policies.ClinicianIdClaim, id.ToString()));
        if (referrerOrg is { Length: > 0 } org) claims.Add(new Claim(Policies.ReferrerOrgClaim, org));
        var credentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256);
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var token = new JwtSecurityToken(issuer, audience, claims, now.AddSeconds(-5), now.Add(lifetime), credentials);
        return new JwtSecurityTokenHandler().WriteToken(token);
    }
}
