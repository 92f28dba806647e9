using Matching.Idp;
using Matching.Service.Infrastructure;

namespace Matching.LoadBench;

/// <summary>
/// What the service runs with in production besides its database: an OpenID Connect provider (in this process, on
/// loopback), whose access tokens the benchmark sends, and the key-ring certificate and audit signing key.
/// </summary>
public sealed class BenchIdentity : IAsyncDisposable
{
    private const string ClientId = "matching", ClientSecret = "bench-secret", User = "bench-coordinator", Password = "bench-password";

    private BenchIdentity(IdentityProvider provider, ProductionSecrets secrets)
    {
        Provider = provider;
        Secrets = secrets;
    }

    public IdentityProvider Provider { get; }
    public ProductionSecrets Secrets { get; }

    public static async Task<BenchIdentity> StartAsync()
    {
        var provider = await IdentityProvider.StartAsync(new ProviderOptions
        {
            Users = [new(User, Password, User, "Bench Coordinator", [Roles.Coordinator])],
            Clients = [new(ClientId, ClientSecret, [], [], AllowPasswordGrant: true)],
            AccessTokenLifetime = TimeSpan.FromHours(4)
        });
        return new BenchIdentity(provider, ProductionSecrets.Create());
    }

    public Task<string> CoordinatorTokenAsync() => Provider.PasswordTokenAsync(ClientId, ClientSecret, User, Password);

    /// <summary>The service's settings as environment variables.</summary>
    public IEnumerable<KeyValuePair<string, string>> Environment() =>
        Secrets.Settings(Provider.Authority, ClientId, ClientSecret).Select(s => KeyValuePair.Create(s.Key.Replace(":", "__"), s.Value));

    public async ValueTask DisposeAsync()
    {
        await Provider.DisposeAsync();
        Secrets.Dispose();
    }
}
