using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Matching.Idp;
using Matching.Service.Infrastructure;
using Matching.Tests.Support;

namespace Matching.Tests.Infrastructure;

/// <summary>The API in Production: access tokens from the practice's OpenID Connect provider, nothing else.</summary>
public class ProviderTokenTests(ProductionFixture app) : IClassFixture<ProductionFixture>
{
    [Fact]
    public async Task the_api_accepts_the_providers_access_tokens_and_their_roles()
    {
        var coordinator = await app.TokenFor("cora");
        (await app.Host.Get("/api/referrals", coordinator)).Status.ShouldBe(HttpStatusCode.OK);
        (await app.Host.Get("/api/reports/funnel", coordinator)).Status.ShouldBe(HttpStatusCode.Forbidden);

        var analyst = await app.TokenFor("ana");
        (await app.Host.Get("/api/reports/funnel", analyst)).Status.ShouldBe(HttpStatusCode.OK);
        (await app.Host.Get("/api/referrals", analyst)).Status.ShouldBe(HttpStatusCode.Forbidden);

        // The clinician id comes from the provider's claim.
        var clinician = await app.TokenFor("carl");
        (await app.Host.Get("/api/me/proposals", clinician)).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task events_record_the_provider_user_as_the_actor()
    {
        var (created, intake) = await app.Host.Post("/api/intake", Samples.Intake());
        created.ShouldBe(HttpStatusCode.Created);
        var id = intake!["referralId"]!.GetValue<Guid>();
        var coordinator = await app.TokenFor("cora");
        (await app.Host.Post($"/api/referrals/{id}/triage", new { priority = "routine" }, coordinator)).Status.ShouldBe(HttpStatusCode.OK);

        var (_, timeline) = await app.Host.Get($"/api/referrals/{id}/timeline", coordinator);
        var triaged = timeline!["items"]!.AsArray().Single(i => i!["type"]!.GetValue<string>() == "ReferralTriaged")!;
        triaged["actor"]!["sub"]!.GetValue<string>().ShouldBe("idp-cora");
        triaged["actor"]!["name"]!.GetValue<string>().ShouldBe("Cora Coordinator");
        triaged["actor"]!["role"]!.GetValue<string>().ShouldBe(Roles.Coordinator);
    }

    [Fact]
    public async Task development_tokens_and_the_demo_sign_in_do_not_exist_outside_development()
    {
        (await app.Host.Get("/api/referrals", Tokens.Coordinator)).Status.ShouldBe(HttpStatusCode.Unauthorized);

        using var browser = PageClient.For(app.Host);
        using var signIn = await browser.GetAsync("/sign-in");
        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        signIn.Headers.Location!.ToString().ShouldStartWith(app.Provider.Authority + "connect/authorize");
        // A well-formed demo sign-in (with a form token from the public intake page) finds no such thing.
        using var demo = await browser.PostFormAsync("/", new Dictionary<string, string> { ["role"] = Roles.Admin }, action: "/sign-in");
        demo.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        browser.Cookies.ShouldNotContainKey("matching.auth");
    }

    [Fact]
    public async Task a_refused_token_is_not_told_why()
    {
        using var client = app.Host.Client();
        foreach (var token in new[] { Tokens.Coordinator, "not-a-token", (await app.TokenFor("cora"))[..^4] + "AAAA" })
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await client.GetAsync("/api/referrals");
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            var challenge = string.Join(", ", response.Headers.WwwAuthenticate.Select(h => h.ToString()));
            challenge.ShouldStartWith("Bearer");
            challenge.ShouldNotContain("error_description");
            challenge.ShouldNotContain("signature", Case.Insensitive);
        }
    }
}

/// <summary>Its own service: an earlier bad token would already have spent the service's once-a-minute key refresh.</summary>
public sealed class KeyRotationFixture : ProductionFixture;

public class ProviderKeyRotationTests(KeyRotationFixture app) : IClassFixture<KeyRotationFixture>
{
    [Fact]
    public async Task tokens_signed_with_the_providers_new_key_are_accepted_without_a_restart()
    {
        var before = await app.TokenFor("cora");
        (await app.Host.Get("/api/referrals", before)).Status.ShouldBe(HttpStatusCode.OK);

        await app.RotateProviderKeyAsync();
        var after = await app.TokenFor("cora");
        Kid(after).ShouldNotBe(Kid(before));

        // The service has never seen the new key: it fetches the provider's keys again on the unknown key id.
        (await app.Host.Get("/api/referrals", after)).Status.ShouldBe(HttpStatusCode.OK);
        // The retired key is no longer published, so tokens it signed stop working.
        (await app.Host.Get("/api/referrals", before)).Status.ShouldBe(HttpStatusCode.Unauthorized);
    }

    private static string Kid(string jwt) =>
        JsonNode.Parse(Convert.FromBase64String(Pad(jwt.Split('.')[0])))!["kid"]!.GetValue<string>();

    private static string Pad(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s + new string('=', (4 - s.Length % 4) % 4);
    }
}

/// <summary>A Keycloak-shaped provider: roles in `realm_access.roles` with Keycloak's own beside them, the clinician id under another name.</summary>
public sealed class KeycloakShapedFixture : ProductionFixture
{
    protected override RoleClaimShape RoleShape => RoleClaimShape.KeycloakRealmAccess;
    protected override string ClinicianIdClaim => "practice_clinician_id";

    protected override List<ProviderUser> Users =>
    [
        new("cora", Staff.Password, "kc-cora", "Cora Coordinator", [Roles.Coordinator, "offline_access", "default-roles-practice"]),
        new("carl", Staff.Password, "kc-carl", "Carl Clinician", [Roles.Clinician, "uma_authorization"], Staff.ClinicianId.ToString()),
        // A clinician id under the default claim name only (say, an attribute users can edit): not the configured claim.
        new("cleo", Staff.Password, "kc-cleo", "Cleo Clinician", [Roles.Clinician],
            ExtraClaims: new Dictionary<string, string> { [Policies.ClinicianIdClaim] = Staff.ClinicianId.ToString() }),
        new("ana", Staff.Password, "kc-ana", "Ana Analyst", [Roles.Analyst])
    ];

    protected override IDictionary<string, string?> MoreSettings => new Dictionary<string, string?>
    {
        ["Auth:RoleClaim"] = "realm_access.roles",
        ["Auth:ClinicianIdClaim"] = "practice_clinician_id"
    };
}

public class KeycloakShapedTokenTests(KeycloakShapedFixture app) : IClassFixture<KeycloakShapedFixture>
{
    [Fact]
    public async Task roles_in_a_json_claim_and_a_renamed_clinician_claim_are_read_through_the_documented_settings()
    {
        var coordinator = await app.TokenFor("cora");
        (await app.Host.Get("/api/referrals", coordinator)).Status.ShouldBe(HttpStatusCode.OK);
        (await app.Host.Get("/api/referrals", await app.TokenFor("ana"))).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await app.Host.Get("/api/me/proposals", await app.TokenFor("carl"))).Status.ShouldBe(HttpStatusCode.OK);
        (await app.Host.Get("/api/me/proposals", await app.TokenFor("cleo"))).Status.ShouldBe(HttpStatusCode.Forbidden);

        // Only the service's roles are kept: the actor names the coordinator role alone.
        var (_, intake) = await app.Host.Post("/api/intake", Samples.Intake());
        var id = intake!["referralId"]!.GetValue<Guid>();
        (await app.Host.Post($"/api/referrals/{id}/triage", new { priority = "routine" }, coordinator)).Status.ShouldBe(HttpStatusCode.OK);
        var (_, timeline) = await app.Host.Get($"/api/referrals/{id}/timeline", coordinator);
        timeline!["items"]!.AsArray().Last()!["actor"]!["role"]!.GetValue<string>().ShouldBe(Roles.Coordinator);
    }
}
