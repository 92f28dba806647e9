using Matching.Idp;
using Matching.Service.Infrastructure;

namespace Matching.LoadBench;

/// <summary>
/// What the service runs with in production besides its database: an OpenID Connect provider (in this process, on
/// loopback), whose access tokens the benchmark sends, and the key-ring certificate and audit signing key.
/// </summary>
public sealed class BenchIdentity : IAsyncDisposable
{
    private const string ClientId = "matching", ClientSecret = "bench-secret", Password = "bench-password";

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
            // One user per role, named after it ("bench-coordinator", ...).
            Users = Roles.All.Select(role => new ProviderUser(UserFor(role), Password, UserFor(role), $"Bench {role}", [role])).ToList(),
            Clients = [new(ClientId, ClientSecret, [], [], AllowPasswordGrant: true)],
            AccessTokenLifetime = TimeSpan.FromHours(4)
        });
        return new BenchIdentity(provider, ProductionSecrets.Create());
    }

    public Task<string> CoordinatorTokenAsync() => TokenAsync(Roles.Coordinator);

    /// <summary>An access token for a user holding one of the service's roles.</summary>
    public Task<string> TokenAsync(string role) => Provider.PasswordTokenAsync(ClientId, ClientSecret, UserFor(role), Password);

    private static string UserFor(string role) => $"bench-{role}";

    /// <summary>The service's settings as environment variables.</summary>
    public IEnumerable<KeyValuePair<string, string>> Environment() =>
        Secrets.Settings(Provider.Authority, ClientId, ClientSecret).Select(s => KeyValuePair.Create(s.Key.Replace(":", "__"), s.Value));

    public async ValueTask DisposeAsync()
    {
        await Provider.DisposeAsync();
        Secrets.Dispose();
    }
}
