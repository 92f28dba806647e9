using System.Security.Claims;
using Matching.Service.Infrastructure;

namespace Matching.Tests.Infrastructure;

/// <summary>The mapping from a provider's claims to the ones the service reads, without a provider.</summary>
public class IdentityClaimsTests
{
    private static ClaimsPrincipal Map(string? roleClaim, string? clinicianIdClaim, params Claim[] claims)
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, "test", "name", "role"));
        new IdentityClaims(roleClaim, clinicianIdClaim).Normalize(principal);
        return principal;
    }

    private static string[] RolesOf(ClaimsPrincipal principal) => principal.FindAll("role").Select(c => c.Value).Order().ToArray();

    [Fact]
    public void flat_role_claims_keep_only_the_services_roles()
    {
        var user = Map(null, null, new Claim("role", "coordinator"), new Claim("role", "offline_access"), new Claim("role", "admin"));
        RolesOf(user).ShouldBe(["admin", "coordinator"]);
    }

    [Fact]
    public void roles_are_read_from_a_path_into_a_json_claim()
    {
        var user = Map("realm_access.roles", null,
            new Claim("realm_access", """{"roles":["clinician","default-roles-practice"]}""", "JSON"),
            new Claim("role", "admin"));
        // The token's own `role` claims don't count when the roles are configured elsewhere.
        RolesOf(user).ShouldBe(["clinician"]);
    }

    [Fact]
    public void a_claim_whose_name_holds_dots_is_read_by_its_whole_name()
    {
        var user = Map("https://practice.example/roles", null, new Claim("https://practice.example/roles", """["analyst","compliance"]"""));
        RolesOf(user).ShouldBe(["analyst", "compliance"]);
    }

    [Fact]
    public void with_a_renamed_clinician_claim_only_that_claim_gives_the_clinician_id()
    {
        var mine = Guid.NewGuid();
        var user = Map(null, "practice_clinician_id",
            new Claim("practice_clinician_id", mine.ToString()), new Claim(Policies.ClinicianIdClaim, Guid.NewGuid().ToString()));
        user.FindAll(Policies.ClinicianIdClaim).Select(c => c.Value).ShouldBe([mine.ToString()]);

        // A clinician id under the default name alone is not taken: it is not the claim the operator chose.
        Map(null, "practice_clinician_id", new Claim(Policies.ClinicianIdClaim, mine.ToString())).ClinicianId().ShouldBeNull();
        // Nor one that isn't a clinician id at all.
        Map(null, "practice_clinician_id", new Claim("practice_clinician_id", "someone-else")).ClinicianId().ShouldBeNull();
    }

    [Fact]
    public void with_a_renamed_organization_claim_only_that_claim_binds_a_referrer_to_its_organization()
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim("role", Roles.Referrer), new Claim("partner_org", "org-riverside"), new Claim(Policies.ReferrerOrgClaim, "org-other")],
            "test", "name", "role"));
        new IdentityClaims(null, null, "partner_org").Normalize(principal);

        RolesOf(principal).ShouldBe([Roles.Referrer]);
        principal.ReferrerOrg().ShouldBe("org-riverside");
        principal.FindAll(Policies.ReferrerOrgClaim).Count().ShouldBe(1);
    }

    [Fact]
    public void name_falls_back_to_the_preferred_user_name()
    {
        Map(null, null, new Claim("preferred_username", "cora")).FindFirst("name")!.Value.ShouldBe("cora");
        Map(null, null, new Claim("name", "Cora C"), new Claim("preferred_username", "cora")).FindFirst("name")!.Value.ShouldBe("Cora C");
    }
}
