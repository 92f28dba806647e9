using System.Net;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Matching.Idp;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Matching.Tests.Identity;

/// <summary>
/// The provider against the two ASP.NET Core handlers the service uses, set up as the service sets them up
/// (Infrastructure/Auth.cs), in a bare app: the OpenID Connect handler signs a user in for pages, JwtBearer
/// accepts the provider's access tokens for the API.
/// </summary>
public class AspNetCoreHandlersTests
{
    private const string ClientId = "matching-web", Secret = "web-secret";

    [Fact]
    public async Task openid_connect_handler_signs_in_with_code_pkce_and_form_post_and_jwt_bearer_accepts_the_api_token()
    {
        await using var app = await RelyingParty.StartAsync();
        await using var provider = await IdentityProvider.StartAsync(new ProviderOptions
        {
            Users = [new("cleo", "cleo-pw", "cleo-1", "Cleo Clinician", ["clinician", "coordinator"], "5f0c1b7e-0000-4000-8000-000000000042")],
            Clients = [new(ClientId, Secret, [app.Url + "signin-oidc"], [app.Url + "signout-callback-oidc"], AllowPasswordGrant: true)]
        });
        app.Authority = provider.Authority;
        using var browser = new ProviderBrowser(provider);

        // The page challenges to the provider with the handler's defaults: code, PKCE S256, response_mode=form_post.
        var authorize = (await browser.Get(app.Url + "me")).Headers.Location!;
        authorize.GetLeftPart(UriPartial.Path).ShouldBe(provider.Authority + "connect/authorize");
        authorize.Query.ShouldContain("code_challenge_method=S256");
        authorize.Query.ShouldContain("response_mode=form_post");

        var login = await browser.Page((await browser.Get(authorize.ToString())).Headers.Location!);
        var signedIn = await browser.SubmitLogin(login, "cleo", "cleo-pw");
        // form_post: the provider answers with an auto-submitting form that the browser posts to the service.
        var formPost = await (await browser.Get(signedIn.Headers.Location!.ToString())).Content.ReadAsStringAsync();
        var action = WebUtility.HtmlDecode(Regex.Match(formPost, "<form[^>]*action=\"([^\"]+)\"").Groups[1].Value);
        action.ShouldBe(app.Url + "signin-oidc");
        var fields = Regex.Matches(formPost, "<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")
            .ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        fields.Keys.ShouldContain("code");
        var callback = await browser.Post(action, fields);
        callback.StatusCode.ShouldBe(HttpStatusCode.Found, await callback.Content.ReadAsStringAsync());

        var page = await browser.Page(new Uri(app.Url + "me"));
        page.ShouldContain("sub=cleo-1");
        page.ShouldContain("name=Cleo Clinician");
        page.ShouldContain("roles=clinician,coordinator");
        page.ShouldContain("clinician_id=5f0c1b7e-0000-4000-8000-000000000042");

        using var api = new HttpClient();
        api.DefaultRequestHeaders.Authorization = new("Bearer", await provider.PasswordTokenAsync(ClientId, Secret, "cleo", "cleo-pw"));
        var answer = await api.GetAsync(app.Url + "api/me");
        answer.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await answer.Content.ReadAsStringAsync()).ShouldContain("roles=clinician,coordinator");
    }

    /// <summary>A bare app with the service's handler settings; its authority is set once the provider is up.</summary>
    private sealed class RelyingParty : IAsyncDisposable
    {
        private readonly WebApplication app;
        private RelyingParty(WebApplication app) => this.app = app;

        public string Url { get; private set; } = "";
        public string Authority { get; set; } = "";

        public static async Task<RelyingParty> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Configuration.Sources.Clear();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            RelyingParty? self = null;
            builder.Services.AddAuthentication(o =>
                {
                    o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                    o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
                })
                .AddCookie()
                .AddJwtBearer(o =>
                {
                    o.MapInboundClaims = false;
                    o.Audience = "matching";
                    o.RequireHttpsMetadata = false;
                    o.TokenValidationParameters.NameClaimType = "name";
                    o.TokenValidationParameters.RoleClaimType = "role";
                })
                .AddOpenIdConnect(o =>
                {
                    o.ClientId = ClientId;
                    o.ClientSecret = Secret;
                    o.ResponseType = "code";
                    o.UsePkce = true;
                    o.MapInboundClaims = false;
                    o.GetClaimsFromUserInfoEndpoint = true;
                    o.RequireHttpsMetadata = false;
                    o.TokenValidationParameters.NameClaimType = "name";
                    o.TokenValidationParameters.RoleClaimType = "role";
                    // The handler's correlation and nonce cookies are Secure and SameSite=None by default: never
                    // sent back over http, so on loopback http they must follow the request's scheme.
                    o.CorrelationCookie.SecurePolicy = o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                    o.CorrelationCookie.SameSite = o.NonceCookie.SameSite = SameSiteMode.Lax;
                });
            // The authority is known only once the provider has started, after this app (its redirect URI needs our port).
            builder.Services.AddOptions<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme)
                .Configure(o => o.Authority = self!.Authority);
            builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
                .Configure(o => o.Authority = self!.Authority);
            builder.Services.AddAuthorization();

            var app = builder.Build();
            app.UseAuthentication();
            app.UseAuthorization();
            app.MapGet("/me", (ClaimsPrincipal user) => Describe(user)).RequireAuthorization();
            app.MapGet("/api/me", (ClaimsPrincipal user) => Describe(user))
                .RequireAuthorization(p => p.AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme).RequireAuthenticatedUser());
            await app.StartAsync();
            self = new RelyingParty(app)
            {
                Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()
                    .Replace("localhost", "127.0.0.1").TrimEnd('/') + "/"
            };
            return self;
        }

        private static string Describe(ClaimsPrincipal user) =>
            $"sub={user.FindFirst("sub")?.Value} name={user.Identity?.Name} " +
            $"roles={string.Join(",", user.FindAll("role").Select(c => c.Value).Order())} clinician_id={user.FindFirst("clinician_id")?.Value}";

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
