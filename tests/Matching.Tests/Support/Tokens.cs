using Matching.DevHost;
using Matching.Service.Infrastructure;

namespace Matching.Tests.Support;

public static class Tokens
{
    public const string SigningKey = "dev-only-signing-key-0123456789abcdef0123456789abcdef";

    public static string For(string role, string sub = "tester", Guid? clinicianId = null) =>
        DevTokens.Mint(SigningKey, "matching-dev", "matching", sub, $"Test {sub}", [role], clinicianId, TimeSpan.FromHours(1));

    public static string Coordinator => For(Roles.Coordinator, "coord-1");
    public static string Admin => For(Roles.Admin, "admin-1");
    public static string Compliance => For(Roles.Compliance, "compliance-1");
    public static string Analyst => For(Roles.Analyst, "analyst-1");
    /// <summary>A partner organization's system, bound to <paramref name="organization"/>.</summary>
    public static string Referrer(string organization, string sub = "referrer-1") =>
        DevTokens.Mint(SigningKey, "matching-dev", "matching", sub, $"Test {sub}", [Roles.Referrer], null, TimeSpan.FromHours(1), organization);

    public static string Clinician(Guid clinicianId, string sub = "clinician-1") => For(Roles.Clinician, sub, clinicianId);
}
