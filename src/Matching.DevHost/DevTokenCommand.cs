using Matching.Service.Infrastructure;

namespace Matching.DevHost;

/// <summary>
/// `dev-token --sub alice --role coordinator [--role admin] [--name "Alice"] [--clinician-id GUID] [--referrer-org ORG] [--hours 12]`:
/// prints a token signed with the Development key, and nothing else, on stdout.
/// </summary>
public static class DevTokenCommand
{
    public static int Run(string[] args)
    {
        string? sub = null, name = null;
        Guid? clinicianId = null;
        string? referrerOrg = null;
        var roles = new List<string>();
        var hours = 12.0;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--sub": sub = value; i++; break;
                case "--name": name = value; i++; break;
                case "--role": roles.AddRange((value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)); i++; break;
                case "--clinician-id" when Guid.TryParse(value, out var id): clinicianId = id; i++; break;
                case "--referrer-org" when !string.IsNullOrWhiteSpace(value): referrerOrg = value; i++; break;
                case "--hours" when double.TryParse(value, out var h): hours = h; i++; break;
                default:
                    Console.Error.WriteLine($"Unknown or malformed argument '{args[i]}'.");
                    return Usage();
            }
        }

        if (string.IsNullOrWhiteSpace(sub) || roles.Count == 0) return Usage();
        var unknown = roles.Except(Roles.All).ToArray();
        if (unknown.Length > 0)
        {
            Console.Error.WriteLine($"Unknown role(s): {string.Join(", ", unknown)}. Roles: {string.Join(", ", Roles.All)}.");
            return 2;
        }

        // The service's Development settings, where the service running beside it reads them.
        var config = new ConfigurationBuilder()
            .SetBasePath(ServiceHost.ContentRoot())
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile("appsettings.Development.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        var key = config["Auth:SigningKey"];
        if (string.IsNullOrEmpty(key))
        {
            Console.Error.WriteLine("Auth:SigningKey is not configured.");
            return 2;
        }

        Console.WriteLine(DevTokens.Mint(key, config["Auth:Issuer"] ?? "matching-dev", config["Auth:Audience"] ?? "matching",
            sub, name, roles, clinicianId, TimeSpan.FromHours(hours), referrerOrg));
        return 0;
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: dev-token --sub USER --role ROLE [--role ROLE] [--name NAME] [--clinician-id GUID] [--referrer-org ORG] [--hours N]");
        return 2;
    }
}
