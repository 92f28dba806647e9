namespace Matching.Idp;

/// <summary>
/// Runs the provider alone with demo users and the service's client, for trying the service's sign-in locally:
/// <c>dotnet run --project tests/Matching.IdentityProvider -- --port 5090 [--keycloak-roles]</c>.
/// </summary>
internal static class Program
{
    private const string ServiceUrl = "http://localhost:5080";

    public static async Task Main(string[] args)
    {
        var at = Array.IndexOf(args, "--port");
        var port = at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var p) ? p : 5090;

        var options = Demo(port);
        if (args.Contains("--keycloak-roles")) options.RoleShape = RoleClaimShape.KeycloakRealmAccess;
        await using var provider = await IdentityProvider.StartAsync(options);

        Console.WriteLine($"Identity provider (test/development only) at {provider.Authority}");
        Console.WriteLine($"Client: {options.Clients[0].ClientId} / {options.Clients[0].ClientSecret}, redirect {options.Clients[0].RedirectUris[0]}");
        foreach (var user in options.Users)
            Console.WriteLine($"User: {user.UserName} / {user.Password} ({string.Join(", ", user.Roles)})");
        Console.WriteLine("Ctrl+C stops it.");
        await provider.WaitForShutdownAsync();
    }

    /// <summary>One user per role and the service as a confidential client (its default local URL).</summary>
    private static ProviderOptions Demo(int port)
    {
        string[] services = [ServiceUrl, ServiceUrl.Replace("localhost", "127.0.0.1")];
        return new ProviderOptions
        {
            Port = port,
            LogLevel = LogLevel.Information,
            Users =
            [
                new("coordinator", "demo", "coordinator-1", "Casey Coordinator", ["coordinator"]),
                new("admin", "demo", "admin-1", "Ada Admin", ["admin"]),
                new("compliance", "demo", "compliance-1", "Cory Compliance", ["compliance"]),
                new("analyst", "demo", "analyst-1", "Ana Analyst", ["analyst"]),
                // The clinician id is a placeholder: point it at a clinician in the local directory.
                new("clinician", "demo", "clinician-1", "Dr Cleo Clinician", ["clinician"], "5f0c1b7e-0000-4000-8000-000000000001")
            ],
            Clients =
            [
                new("matching", "matching-dev-secret",
                    [.. services.Select(s => s + "/signin-oidc")], [.. services.Select(s => s + "/signout-callback-oidc")],
                    AllowPasswordGrant: true),
                new("referrer-demo", "referrer-demo-secret", [], [], AllowClientCredentials: true,
                    Claims: new Dictionary<string, string> { ["referrer_org"] = "demo-clinic" }, Roles: ["referrer"])
            ]
        };
    }
}
