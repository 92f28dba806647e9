using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Matching.Idp;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Matching.Tests.Identity;

/// <summary>One provider with the flat role shape, shared by the tests that don't restart it.</summary>
public sealed class ProviderFixture : IAsyncLifetime
{
    public const string WebClient = "matching-web", WebSecret = "web-secret";
    public const string RedirectUri = "http://127.0.0.1:5080/signin-oidc", PostLogoutUri = "http://127.0.0.1:5080/signout-callback-oidc";
    public const string ClinicianId = "5f0c1b7e-0000-4000-8000-000000000042";

    public IdentityProvider Provider { get; private set; } = null!;

    public static ProviderOptions Options(RoleClaimShape shape = RoleClaimShape.Flat) => new()
    {
        RoleShape = shape,
        Users =
        [
            new("casey", "casey-pw", "casey-1", "Casey Coordinator", ["coordinator", "admin"]),
            new("cleo", "cleo-pw", "cleo-1", "Cleo Clinician", ["clinician"], ClinicianId,
                new Dictionary<string, string> { ["team"] = "north" })
        ],
        Clients =
        [
            new(WebClient, WebSecret, [RedirectUri], [PostLogoutUri], AllowPasswordGrant: true),
            new("no-password", "no-password-secret", [RedirectUri], []),
            new("referrer-portal", "portal-secret", [], [], AllowClientCredentials: true,
                Claims: new Dictionary<string, string> { ["referrer_org"] = "north-clinic" }, Roles: ["referrer"])
        ]
    };

    public async Task InitializeAsync() => Provider = await IdentityProvider.StartAsync(Options());

    public async Task DisposeAsync() => await Provider.DisposeAsync();
}

public class IdentityProviderTests(ProviderFixture fixture) : IClassFixture<ProviderFixture>
{
    private IdentityProvider Provider => fixture.Provider;

    [Fact]
    public async Task discovery_names_the_issuer_with_its_slash_the_endpoints_and_S256_only()
    {
        using var http = new HttpClient();
        var discovery = await http.GetFromJsonAsync<JsonElement>(Provider.Authority + ".well-known/openid-configuration");

        Provider.Authority.ShouldBe($"http://127.0.0.1:{Provider.Port}/");
        discovery.GetProperty("issuer").GetString().ShouldBe(Provider.Authority);
        discovery.GetProperty("authorization_endpoint").GetString().ShouldBe(Provider.Authority + "connect/authorize");
        discovery.GetProperty("token_endpoint").GetString().ShouldBe(Provider.Authority + "connect/token");
        discovery.GetProperty("userinfo_endpoint").GetString().ShouldBe(Provider.Authority + "connect/userinfo");
        discovery.GetProperty("end_session_endpoint").GetString().ShouldBe(Provider.Authority + "connect/logout");
        discovery.GetProperty("jwks_uri").GetString().ShouldNotBeNullOrEmpty();
        Strings(discovery, "code_challenge_methods_supported").ShouldBe(["S256"]);
        Strings(discovery, "grant_types_supported").ShouldBe(
            ["authorization_code", "refresh_token", "client_credentials", "password"], ignoreOrder: true);
        Strings(discovery, "response_modes_supported").ShouldContain("form_post");
    }

    [Fact]
    public async Task password_grant_gives_a_jwt_for_the_api_with_subject_name_roles_and_clinician_id()
    {
        var casey = new JsonWebToken(await Provider.PasswordTokenAsync(ProviderFixture.WebClient, ProviderFixture.WebSecret, "casey", "casey-pw"));
        var cleo = new JsonWebToken(await Provider.PasswordTokenAsync(ProviderFixture.WebClient, ProviderFixture.WebSecret, "cleo", "cleo-pw"));

        casey.Typ.ShouldBe("at+jwt");
        casey.Alg.ShouldBe("RS256");
        casey.Issuer.ShouldBe(Provider.Authority);
        casey.Audiences.ShouldBe(["matching"]);
        casey.Subject.ShouldBe("casey-1");
        casey.GetClaim("name").Value.ShouldBe("Casey Coordinator");
        // Several roles are one JSON array; the token handler reads it as one claim per role.
        Payload(casey).GetProperty("role").ValueKind.ShouldBe(JsonValueKind.Array);
        casey.Claims.Where(c => c.Type == "role").Select(c => c.Value).ShouldBe(["coordinator", "admin"], ignoreOrder: true);
        casey.TryGetClaim("clinician_id", out _).ShouldBeFalse();

        Payload(cleo).GetProperty("role").GetString().ShouldBe("clinician");
        cleo.GetClaim("clinician_id").Value.ShouldBe(ProviderFixture.ClinicianId);
        cleo.GetClaim("team").Value.ShouldBe("north");
    }

    [Fact]
    public async Task password_grant_is_refused_for_a_wrong_password_and_for_a_client_not_allowed_it()
    {
        await Should.ThrowAsync<InvalidOperationException>(() =>
            Provider.PasswordTokenAsync(ProviderFixture.WebClient, ProviderFixture.WebSecret, "casey", "wrong"));
        var refused = await Should.ThrowAsync<InvalidOperationException>(() =>
            Provider.PasswordTokenAsync("no-password", "no-password-secret", "casey", "casey-pw"));
        refused.Message.ShouldContain("unauthorized_client");
    }

    [Fact]
    public async Task client_credentials_token_speaks_for_the_client_with_its_claims_and_roles()
    {
        var token = new JsonWebToken(await Provider.ClientCredentialsTokenAsync("referrer-portal", "portal-secret"));

        token.Subject.ShouldBe("referrer-portal");
        token.Audiences.ShouldBe(["matching"]);
        token.GetClaim("referrer_org").Value.ShouldBe("north-clinic");
        token.GetClaim("role").Value.ShouldBe("referrer");
    }

    [Fact]
    public async Task the_tokens_key_id_is_the_one_the_jwks_publishes()
    {
        var token = new JsonWebToken(await Provider.ClientCredentialsTokenAsync("referrer-portal", "portal-secret"));

        (await KeyIds(Provider)).ShouldBe([token.Kid]);
    }

    [Fact]
    public async Task authorization_code_with_pkce_signs_in_through_the_login_page_without_a_browser()
    {
        using var browser = new ProviderBrowser(Provider);
        var (verifier, authorize) = AuthorizeUrl(ProviderFixture.WebClient);

        // Not signed in at the provider: the authorization request goes to its login page.
        var toLogin = await browser.Get(authorize);
        toLogin.StatusCode.ShouldBe(HttpStatusCode.Found);
        toLogin.Headers.Location!.AbsolutePath.ShouldBe("/account/login");
        var login = await browser.Page(toLogin.Headers.Location);
        login.ShouldContain("""<label for="username">Username</label>""");
        login.ShouldContain("""<label for="password">Password</label>""");
        login.ShouldContain("""<button type="submit">Sign in</button>""");

        // Without the antiforgery token the form is refused; with a wrong password it comes back with a message.
        (await browser.Post("/account/login", new() { ["username"] = "cleo", ["password"] = "cleo-pw" })).StatusCode
            .ShouldBe(HttpStatusCode.BadRequest);
        var again = await browser.SubmitLogin(login, "cleo", "wrong");
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        var retry = await again.Content.ReadAsStringAsync();
        retry.ShouldContain("Wrong username or password.");

        // Good credentials: back to the authorization request, which answers the client's redirect URI with a code.
        var signedIn = await browser.SubmitLogin(retry, "cleo", "cleo-pw");
        signedIn.StatusCode.ShouldBe(HttpStatusCode.Found);
        var callback = await browser.Get(signedIn.Headers.Location!.ToString());
        callback.StatusCode.ShouldBe(HttpStatusCode.Found);
        var redirect = callback.Headers.Location!;
        redirect.GetLeftPart(UriPartial.Path).ShouldBe(ProviderFixture.RedirectUri);
        var query = System.Web.HttpUtility.ParseQueryString(redirect.Query);
        query["state"].ShouldBe("state-1");
        query["iss"].ShouldBe(Provider.Authority);

        var tokens = await browser.Token(new()
        {
            ["grant_type"] = "authorization_code", ["code"] = query["code"]!, ["redirect_uri"] = ProviderFixture.RedirectUri,
            ["client_id"] = ProviderFixture.WebClient, ["client_secret"] = ProviderFixture.WebSecret, ["code_verifier"] = verifier
        });
        var idToken = new JsonWebToken(tokens.GetProperty("id_token").GetString());
        idToken.Audiences.ShouldBe([ProviderFixture.WebClient]);
        idToken.GetClaim("nonce").Value.ShouldBe("nonce-1");
        idToken.Subject.ShouldBe("cleo-1");
        idToken.GetClaim("role").Value.ShouldBe("clinician");
        idToken.GetClaim("clinician_id").Value.ShouldBe(ProviderFixture.ClinicianId);
        var accessToken = tokens.GetProperty("access_token").GetString()!;
        new JsonWebToken(accessToken).Audiences.ShouldBe(["matching"]);

        // Userinfo says the same about the user; the refresh token gives a new access token.
        var userInfo = await browser.UserInfo(accessToken);
        userInfo.GetProperty("sub").GetString().ShouldBe("cleo-1");
        userInfo.GetProperty("name").GetString().ShouldBe("Cleo Clinician");
        userInfo.GetProperty("role").GetString().ShouldBe("clinician");
        userInfo.GetProperty("clinician_id").GetString().ShouldBe(ProviderFixture.ClinicianId);
        var refreshed = await browser.Token(new()
        {
            ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()!,
            ["client_id"] = ProviderFixture.WebClient, ["client_secret"] = ProviderFixture.WebSecret
        });
        new JsonWebToken(refreshed.GetProperty("access_token").GetString()).Subject.ShouldBe("cleo-1");
    }

    [Fact]
    public async Task an_authorization_request_without_a_code_challenge_is_refused()
    {
        using var browser = new ProviderBrowser(Provider);
        await browser.SignIn("casey", "casey-pw");
        var (_, authorize) = AuthorizeUrl(ProviderFixture.WebClient);

        var answer = await browser.Get(Regex.Replace(authorize, "&code_challenge[^&]*", ""));

        // Refused at the provider itself (a plain-text error), not sent back to the client.
        answer.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await answer.Content.ReadAsStringAsync()).ShouldContain("The mandatory 'code_challenge' parameter is missing.");
    }

    [Fact]
    public async Task a_code_is_refused_without_its_verifier()
    {
        using var browser = new ProviderBrowser(Provider);
        await browser.SignIn("casey", "casey-pw");
        var (_, authorize) = AuthorizeUrl(ProviderFixture.WebClient);
        var code = System.Web.HttpUtility.ParseQueryString((await browser.Get(authorize)).Headers.Location!.Query)["code"]!;

        var answer = await browser.Post("/connect/token", new()
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = ProviderFixture.RedirectUri,
            ["client_id"] = ProviderFixture.WebClient, ["client_secret"] = ProviderFixture.WebSecret,
            ["code_verifier"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32))
        });

        answer.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString().ShouldBe("invalid_grant");
    }

    [Fact]
    public async Task logout_ends_the_provider_session_and_returns_to_the_registered_uri()
    {
        using var browser = new ProviderBrowser(Provider);
        await browser.SignIn("casey", "casey-pw");

        var answer = await browser.Get("/connect/logout?client_id=matching-web&state=s&post_logout_redirect_uri="
                                       + Uri.EscapeDataString(ProviderFixture.PostLogoutUri));

        answer.StatusCode.ShouldBe(HttpStatusCode.Found);
        answer.Headers.Location!.GetLeftPart(UriPartial.Path).ShouldBe(ProviderFixture.PostLogoutUri);
        var (_, authorize) = AuthorizeUrl(ProviderFixture.WebClient);
        (await browser.Get(authorize)).Headers.Location!.AbsolutePath.ShouldBe("/account/login");
        var elsewhere = await browser.Get("/connect/logout?post_logout_redirect_uri=" + Uri.EscapeDataString("http://127.0.0.1:9/evil"));
        elsewhere.Headers.Location?.Host.ShouldNotBe("127.0.0.1:9");
        elsewhere.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task keycloak_shape_puts_the_roles_in_one_realm_access_object()
    {
        await using var keycloakLike = await IdentityProvider.StartAsync(ProviderFixture.Options(RoleClaimShape.KeycloakRealmAccess));

        var token = new JsonWebToken(await keycloakLike.PasswordTokenAsync(ProviderFixture.WebClient, ProviderFixture.WebSecret, "casey", "casey-pw"));

        var realmAccess = Payload(token).GetProperty("realm_access");
        realmAccess.ValueKind.ShouldBe(JsonValueKind.Object);
        Strings(realmAccess, "roles").ShouldBe(["coordinator", "admin"]);
        token.TryGetClaim("role", out _).ShouldBeFalse();
        keycloakLike.Port.ShouldNotBe(Provider.Port);
    }

    [Fact]
    public async Task a_provider_restarted_on_the_same_port_with_a_new_key_publishes_the_new_key_id()
    {
        var options = ProviderFixture.Options();
        options.SigningKeyId = "key-1";
        var first = await IdentityProvider.StartAsync(options);
        var port = first.Port;
        (await KeyIds(first)).ShouldBe(["key-1"]);
        await first.DisposeAsync();
        (await Refused(port)).ShouldBeTrue("the port is still served after dispose");

        using var rotated = RSA.Create(2048);
        var next = ProviderFixture.Options();
        (next.Port, next.SigningKey, next.SigningKeyId) = (port, rotated, "key-2");
        await using var second = await IdentityProvider.StartAsync(next);

        (await KeyIds(second)).ShouldBe(["key-2"]);
        new JsonWebToken(await second.ClientCredentialsTokenAsync("referrer-portal", "portal-secret")).Kid.ShouldBe("key-2");
    }

    private static (string Verifier, string Url) AuthorizeUrl(string clientId)
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        return (verifier, $"/connect/authorize?client_id={clientId}&response_type=code&scope=openid%20profile%20offline_access"
                          + $"&redirect_uri={Uri.EscapeDataString(ProviderFixture.RedirectUri)}&state=state-1&nonce=nonce-1"
                          + $"&code_challenge={challenge}&code_challenge_method=S256");
    }

    private static async Task<string[]> KeyIds(IdentityProvider provider)
    {
        using var http = new HttpClient();
        var discovery = await http.GetFromJsonAsync<JsonElement>(provider.Authority + ".well-known/openid-configuration");
        var jwks = await http.GetFromJsonAsync<JsonElement>(discovery.GetProperty("jwks_uri").GetString());
        return [.. jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];
    }

    private static async Task<bool> Refused(int port)
    {
        using var client = new TcpClient();
        try { await client.ConnectAsync(IPAddress.Loopback, port); return false; }
        catch (SocketException) { return true; }
    }

    /// <summary>The token's payload as its JSON, to see how a claim is written.</summary>
    private static JsonElement Payload(JsonWebToken token) =>
        JsonDocument.Parse(Base64UrlEncoder.Decode(token.EncodedPayload)).RootElement;

    private static string[] Strings(JsonElement json, string property) =>
        [.. json.GetProperty(property).EnumerateArray().Select(e => e.GetString()!)];
}
