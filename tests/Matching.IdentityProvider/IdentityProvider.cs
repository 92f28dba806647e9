using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Matching.Idp;

/// <summary>A staff member who can sign in at the provider.</summary>
public sealed record ProviderUser(
    string UserName, string Password, string Subject, string Name, IReadOnlyList<string> Roles,
    string? ClinicianId = null, IReadOnlyDictionary<string, string>? ExtraClaims = null);

/// <summary>A registered client. With a secret it is confidential; without one, public.</summary>
/// <param name="Claims">Claims put on client-credentials tokens (e.g. referrer_org).</param>
/// <param name="Roles">Roles put on client-credentials tokens, in the provider's role shape.</param>
public sealed record ProviderClient(
    string ClientId, string? ClientSecret, IReadOnlyList<string> RedirectUris, IReadOnlyList<string> PostLogoutRedirectUris,
    bool AllowPasswordGrant = false, bool AllowClientCredentials = false,
    IReadOnlyDictionary<string, string>? Claims = null, IReadOnlyList<string>? Roles = null);

/// <summary>How roles appear in tokens and userinfo.</summary>
public enum RoleClaimShape
{
    /// <summary>One <c>role</c> claim per role: a string for one role, a JSON array for several.</summary>
    Flat,
    /// <summary>A single JSON object claim, as Keycloak emits it: <c>"realm_access": {"roles": [...]}</c>.</summary>
    KeycloakRealmAccess
}

public sealed class ProviderOptions
{
    /// <summary>0 picks a free loopback port.</summary>
    public int Port { get; set; }
    public string Audience { get; set; } = "matching";
    public RoleClaimShape RoleShape { get; set; } = RoleClaimShape.Flat;
    public string ClinicianIdClaim { get; set; } = "clinician_id";
    public List<ProviderUser> Users { get; set; } = [];
    public List<ProviderClient> Clients { get; set; } = [];
    /// <summary>Null: a fresh RSA 2048 key. Restarting on the same port with another key simulates key rotation.</summary>
    public RSA? SigningKey { get; set; }
    /// <summary>Null: the key's JWK thumbprint.</summary>
    public string? SigningKeyId { get; set; }
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);
    /// <summary>Console log level; the tests keep it at Warning.</summary>
    public LogLevel LogLevel { get; set; } = LogLevel.Warning;
}

/// <summary>
/// A real OpenID Connect provider (OpenIddict server, EF Core in-memory stores) on http://127.0.0.1:PORT.
/// For tests and local development only: plain http on loopback, ephemeral keys, users and clients from
/// <see cref="ProviderOptions"/>.
/// </summary>
public sealed class IdentityProvider : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly HttpClient http;
    private readonly RSA? ownKey;

    private IdentityProvider(WebApplication app, int port, RSA? ownKey)
    {
        this.app = app;
        this.ownKey = ownKey;
        Port = port;
        Authority = $"http://127.0.0.1:{port}/";
        http = new HttpClient { BaseAddress = new Uri(Authority) };
    }

    /// <summary>The issuer, with the trailing slash OpenIddict puts in <c>iss</c> and in discovery.</summary>
    public string Authority { get; }
    public int Port { get; }

    public static async Task<IdentityProvider> StartAsync(ProviderOptions options)
    {
        // Port 0: ask the OS for a free port first, because the issuer (and so OpenIddict's options)
        // must name the port before Kestrel starts. Another process may grab it in between: try again.
        for (var attempt = 1; ; attempt++)
        {
            var port = options.Port != 0 ? options.Port : FreeLoopbackPort();
            try
            {
                return await StartOnAsync(options, port);
            }
            catch (IOException) when (options.Port == 0 && attempt < 5)
            {
                // Kestrel's "address already in use".
            }
        }
    }

    private static async Task<IdentityProvider> StartOnAsync(ProviderOptions options, int port)
    {
        var authority = $"http://127.0.0.1:{port}/";
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(IdentityProvider).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Development,
            Args = []
        });
        // Only ProviderOptions configure it: not the appsettings.json of the service it is copied beside,
        // nor ASPNETCORE_URLS or Logging__ variables meant for the service under test.
        builder.Configuration.Sources.Clear();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Logging.SetMinimumLevel(options.LogLevel)
            .AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning)
            // It warns that keys are kept unencrypted: they are, in memory, on purpose.
            .AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);

        // A key made here is this provider's to dispose; a given one stays the caller's.
        var ownKey = options.SigningKey is null ? RSA.Create(2048) : null;
        var signingKey = new RsaSecurityKey(options.SigningKey ?? ownKey);
        signingKey.KeyId = options.SigningKeyId ?? Base64UrlEncoder.Encode(signingKey.ComputeJwkThumbprint());

        var services = builder.Services;
        services.AddSingleton(options);
        // Cookie keys live in memory only: nothing is written to ~/.aspnet, and a restarted provider can't
        // read an old one's cookies, like a real provider whose sessions were lost.
        services.AddDataProtection();
        services.Configure<KeyManagementOptions>(o => o.XmlRepository = new MemoryKeyRepository());
        // Cookies aren't port-scoped: a browser talking to two providers on 127.0.0.1 must keep them apart.
        services.AddAntiforgery(o => o.Cookie.Name = $"idp.antiforgery.{port}");
        services.AddAuthentication(ProviderEndpoints.SessionScheme)
            .AddCookie(ProviderEndpoints.SessionScheme, o =>
            {
                o.Cookie.Name = $"idp.session.{port}";
                o.LoginPath = LoginPage.Path;
            });
        services.AddAuthorization();

        var database = $"idp-{port}-{Guid.NewGuid():N}";
        services.AddDbContext<DbContext>(o => o.UseInMemoryDatabase(database).UseOpenIddict());

        services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<DbContext>()
                // The in-memory provider has no ExecuteUpdate: revoke tokens one by one.
                .DisableBulkOperations())
            .AddServer(o =>
            {
                o.SetIssuer(new Uri(authority))
                    .SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetUserInfoEndpointUris("connect/userinfo")
                    .SetEndSessionEndpointUris("connect/logout");

                o.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange()
                    .AllowRefreshTokenFlow()
                    .AllowClientCredentialsFlow()
                    .AllowPasswordFlow();
                // PKCE with S256 only: OpenIddict also accepts "plain" unless told otherwise.
                o.Configure(server => server.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));

                o.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Roles, Scopes.OfflineAccess, options.Audience);
                // Only advertised in discovery; what a token carries is decided in ProviderEndpoints.
                o.RegisterClaims(Claims.Name, options.RoleShape == RoleClaimShape.Flat ? Claims.Role : ProviderEndpoints.RealmAccessClaim,
                    options.ClinicianIdClaim);

                o.AddSigningKey(signingKey)
                    // Codes and refresh tokens are always encrypted; access tokens stay plain JWTs the API can read.
                    .AddEphemeralEncryptionKey()
                    .DisableAccessTokenEncryption()
                    .SetAccessTokenLifetime(options.AccessTokenLifetime);

                o.UseAspNetCore()
                    // Test and development provider on loopback http: no TLS to require.
                    .DisableTransportSecurityRequirement()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough();
            });

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        ProviderEndpoints.Map(app);
        LoginPage.Map(app);

        await SeedAsync(app.Services, options);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            ownKey?.Dispose();
            throw;
        }
        return new IdentityProvider(app, port, ownKey);
    }

    /// <summary>Resource owner password grant: a staff user's access token without a browser.</summary>
    public async Task<string> PasswordTokenAsync(string clientId, string? clientSecret, string userName, string password,
        string scope = "openid profile roles")
    {
        var form = new Dictionary<string, string>
        {
            [Parameters.GrantType] = GrantTypes.Password, [Parameters.ClientId] = clientId,
            [Parameters.Username] = userName, [Parameters.Password] = password, [Parameters.Scope] = scope
        };
        if (clientSecret is not null) form[Parameters.ClientSecret] = clientSecret;
        return await AccessTokenAsync(form);
    }

    public async Task<string> ClientCredentialsTokenAsync(string clientId, string clientSecret, string? scope = null)
    {
        var form = new Dictionary<string, string>
        {
            [Parameters.GrantType] = GrantTypes.ClientCredentials,
            [Parameters.ClientId] = clientId, [Parameters.ClientSecret] = clientSecret
        };
        if (scope is not null) form[Parameters.Scope] = scope;
        return await AccessTokenAsync(form);
    }

    private async Task<string> AccessTokenAsync(Dictionary<string, string> form)
    {
        using var response = await http.PostAsync("connect/token", new FormUrlEncodedContent(form));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return response.IsSuccessStatusCode && body.TryGetProperty(Parameters.AccessToken, out var token)
            ? token.GetString()!
            : throw new InvalidOperationException($"Token request refused ({(int)response.StatusCode}): {body}");
    }

    /// <summary>Completes when the host is told to stop (Ctrl+C, SIGTERM): for the standalone run.</summary>
    internal Task WaitForShutdownAsync() => app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        ownKey?.Dispose();
    }

    private static async Task SeedAsync(IServiceProvider services, ProviderOptions options)
    {
        await using var scope = services.CreateAsyncScope();
        var scopes = scope.ServiceProvider.GetRequiredService<IOpenIddictScopeManager>();
        // The API's scope names it as a resource, as a client that asks for it would expect;
        // tokens get the audience whatever scope was asked for (ProviderEndpoints.Principal).
        await scopes.CreateAsync(new OpenIddictScopeDescriptor { Name = options.Audience, Resources = { options.Audience } });

        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        foreach (var client in options.Clients)
            await applications.CreateAsync(Describe(client, options.Audience));
    }

    private static OpenIddictApplicationDescriptor Describe(ProviderClient client, string audience)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            ClientSecret = client.ClientSecret,
            ClientType = client.ClientSecret is null ? ClientTypes.Public : ClientTypes.Confidential,
            DisplayName = client.ClientId,
            // Pre-approved: the provider never shows a consent screen.
            ConsentType = ConsentTypes.Implicit,
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile, Permissions.Scopes.Roles, Permissions.Prefixes.Scope + audience
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange }
        };
        if (client.AllowPasswordGrant) descriptor.Permissions.Add(Permissions.GrantTypes.Password);
        if (client.AllowClientCredentials) descriptor.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
        foreach (var uri in client.RedirectUris) descriptor.RedirectUris.Add(new Uri(uri));
        foreach (var uri in client.PostLogoutRedirectUris) descriptor.PostLogoutRedirectUris.Add(new Uri(uri));
        return descriptor;
    }

    /// <summary>Data protection keys held by this provider alone, gone with it.</summary>
    private sealed class MemoryKeyRepository : IXmlRepository
    {
        private readonly List<XElement> elements = [];

        public IReadOnlyCollection<XElement> GetAllElements()
        {
            lock (elements) return [.. elements.Select(e => new XElement(e))];
        }

        public void StoreElement(XElement element, string friendlyName)
        {
            lock (elements) elements.Add(new XElement(element));
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
