using Matching.Idp;
using Matching.LoadBench;
using Matching.Service.Infrastructure;

namespace Matching.Tests.Support;

/// <summary>The practice's staff as the identity provider knows them, and the service's client registration there.</summary>
public static class Staff
{
    public const string ClientId = "matching";
    public const string ClientSecret = "matching-test-secret";
    public const string Password = "correct horse battery staple";

    public static readonly Guid ClinicianId = Guid.Parse("7d5c0b1e-0000-4000-8000-0000000000c1");

    public static List<ProviderUser> Users =>
    [
        new("cora", Password, "idp-cora", "Cora Coordinator", [Roles.Coordinator]),
        new("carl", Password, "idp-carl", "Carl Clinician", [Roles.Clinician], ClinicianId.ToString()),
        new("cole", Password, "idp-cole", "Cole Compliance", [Roles.Compliance]),
        new("ana", Password, "idp-ana", "Ana Analyst", [Roles.Analyst]),
        new("ada", Password, "idp-ada", "Ada Admin", [Roles.Admin])
    ];

    /// <summary>The service's registration: its callbacks when it listens on <paramref name="serviceUrl" /> (ending in '/').</summary>
    public static ProviderClient Client(string? serviceUrl = null) => new(
        ClientId, ClientSecret,
        serviceUrl is null ? [] : [serviceUrl + "signin-oidc"],
        serviceUrl is null ? [] : [serviceUrl + "signout-callback-oidc"],
        AllowPasswordGrant: true);
}

/// <summary>
/// The service as production runs it (Production environment, static generated code, certificate-protected key
/// ring, audit signing key) against a real OpenID Connect provider on loopback.
/// </summary>
public class ProductionFixture : AppFixture
{
    public IdentityProvider Provider { get; private set; } = null!;
    public ProductionSecrets Secrets { get; } = ProductionSecrets.Create();

    protected override string Environment => "Production";

    protected virtual RoleClaimShape RoleShape => RoleClaimShape.Flat;

    protected virtual string ClinicianIdClaim => Policies.ClinicianIdClaim;

    protected virtual IDictionary<string, string?> MoreSettings => new Dictionary<string, string?>();

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = Secrets.Settings(Provider.Authority, Staff.ClientId, Staff.ClientSecret)
                .ToDictionary(p => p.Key, p => (string?)p.Value);
            settings["Matching:ApplySchemaOnStartup"] = "true";
            foreach (var (key, value) in MoreSettings) settings[key] = value;
            return settings;
        }
    }

    protected virtual List<ProviderUser> Users => Staff.Users;

    /// <summary>The clients registered at the provider: the service itself, and any systems that call it.</summary>
    protected virtual List<ProviderClient> Clients => [Staff.Client()];

    protected override async Task StartDependenciesAsync() => Provider = await StartProviderAsync(port: 0);

    private Task<IdentityProvider> StartProviderAsync(int port) => IdentityProvider.StartAsync(new ProviderOptions
    {
        Port = port, Users = Users, Clients = Clients, RoleShape = RoleShape, ClinicianIdClaim = ClinicianIdClaim
    });

    /// <summary>The provider restarts at the same address signing with a new key, as a provider's key rotation looks from outside.</summary>
    public async Task RotateProviderKeyAsync()
    {
        var port = Provider.Port;
        await Provider.DisposeAsync();
        Provider = await StartProviderAsync(port);
    }

    protected override async ValueTask StopDependenciesAsync()
    {
        if (Provider is not null) await Provider.DisposeAsync();
        Secrets.Dispose();
    }

    /// <summary>An access token from the provider for one of <see cref="Staff.Users" />.</summary>
    public Task<string> TokenFor(string userName) =>
        Provider.PasswordTokenAsync(Staff.ClientId, Staff.ClientSecret, userName, Staff.Password);
}
