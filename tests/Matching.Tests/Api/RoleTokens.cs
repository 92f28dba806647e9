using Matching.Service.Infrastructure;
using Matching.Tests.Support;

namespace Matching.Tests.Api;

/// <summary>A token that a route's policy admits, and the roles it must refuse.</summary>
public static class RoleTokens
{
    /// <summary>The clinician id on <see cref="Token"/>'s clinician token.</summary>
    public static readonly Guid ClinicianId = Guid.Parse("5f0c1b7e-0000-4000-8000-000000000001");

    public static readonly IReadOnlyDictionary<string, string[]> RolesByPolicy = new Dictionary<string, string[]>
    {
        [Policies.Coordination] = [Roles.Coordinator, Roles.Admin],
        [Policies.Clinicians] = [Roles.Clinician],
        [Policies.Erasure] = [Roles.Compliance, Roles.Admin],
        [Policies.DirectoryAdmin] = [Roles.Admin],
        [Policies.OwnClinicianRecord] = [Roles.Admin, Roles.Clinician],
        [Policies.DirectoryRead] = [Roles.Coordinator, Roles.Admin],
        [Policies.Audit] = [Roles.Compliance],
        [Policies.Reports] = [Roles.Analyst, Roles.Admin, Roles.Compliance]
    };

    public static string Token(string role) =>
        role == Roles.Clinician ? Tokens.Clinician(ClinicianId) : Tokens.For(role, $"{role}-1");

    public static string Allowed(ApiRoute route) => Token(RolesByPolicy[route.Policy!][0]);

    public static IEnumerable<string> Refused(ApiRoute route) => Roles.All.Except(RolesByPolicy[route.Policy!]);
}
