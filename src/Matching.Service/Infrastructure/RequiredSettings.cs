using Matching.Service.Audit;

namespace Matching.Service.Infrastructure;

/// <summary>
/// Settings the service can't run without. A missing one stops the start with a single log line naming it,
/// rather than a service that starts and then fails its first requests.
/// </summary>
public static class RequiredSettings
{
    /// <summary>The database; code generation reads signatures only and needs none (a Docker build stage has none).</summary>
    public static string? ConnectionString(IConfiguration configuration, string[] args) =>
        configuration.GetConnectionString("Marten") is { Length: > 0 } configured ? configured
        : args.FirstOrDefault() == "codegen" ? "Host=localhost;Database=matching"
        : null;

    /// <summary>The settings that are missing or unreadable, with why each is needed; empty when the service can start.</summary>
    public static IReadOnlyList<string> Missing(WebApplicationBuilder builder, string[] args)
    {
        var configuration = builder.Configuration;
        var missing = new List<string>();
        if (ConnectionString(configuration, args) is null)
            missing.Add("ConnectionStrings:Marten (the PostgreSQL database; for a local database with demo data run `dotnet run --project src/Matching.DevHost`)");
        if (NodeRoles.Parse(configuration[NodeRoles.Setting]) is null)
            missing.Add($"{NodeRoles.Setting} ('{configuration[NodeRoles.Setting]}' is not all, api or worker)");
        if (HttpHardening.KnownNetworks(configuration) is null)
            missing.Add($"Proxy:KnownNetworks ('{configuration["Proxy:KnownNetworks"]}' is not a comma-separated list of CIDRs such as 10.0.0.0/8)");

        // Development has dev tokens, an unprotected key ring and no audit anchor; everywhere else needs the real ones.
        // Code generation reads signatures only.
        if (builder.Environment.IsDevelopment() || args.FirstOrDefault() == "codegen") return missing;
        if (string.IsNullOrWhiteSpace(configuration["Auth:Authority"]))
            missing.Add("Auth:Authority (the OpenID Connect provider staff sign in with)");
        else if (!configuration.GetValue("Auth:RequireHttpsMetadata", true) && !Loopback(configuration["Auth:Authority"]))
            // Signing keys fetched over plain http can be swapped on the way: anyone could then mint any role.
            missing.Add($"Auth:RequireHttpsMetadata (false is only for a provider on this machine; '{configuration["Auth:Authority"]}' is not)");
        if (string.IsNullOrWhiteSpace(configuration["DataProtection:CertificatePath"]))
            missing.Add("DataProtection:CertificatePath (the certificate that protects the sign-in key ring stored in the database)");
        else if (Unreadable(() => KeyRing.LoadCertificate(configuration)?.Dispose()) is { } certificate)
            missing.Add($"DataProtection:CertificatePath ({certificate})");
        if (string.IsNullOrWhiteSpace(configuration["Audit:SigningKeyPath"]))
            missing.Add("Audit:SigningKeyPath (the private key that signs the audit trail's checkpoints)");
        else if (Unreadable(() => AuditSigningKey.Load(configuration["Audit:SigningKeyPath"]!).Dispose()) is { } key)
            missing.Add(key);
        return missing;
    }

    private static bool Loopback(string? authority) =>
        Uri.TryCreate(authority, UriKind.Absolute, out var uri) && (uri.IsLoopback || uri.Host == "localhost");

    /// <summary>Why a configured file can't be used, or null when it can.</summary>
    private static string? Unreadable(Action load)
    {
        try
        {
            load();
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException
                                       or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            return e.Message;
        }
    }

    /// <summary>Settings the service runs without, at a cost worth a warning at start-up.</summary>
    public static void WarnAboutOptional(WebApplication app)
    {
        if (app.Environment.IsDevelopment()) return;
        if (string.IsNullOrWhiteSpace(app.Configuration["Smtp:Host"]))
            app.Logger.LogWarning("Smtp:Host is not set: notifications (new proposals, escalations, bookings) are only logged, not sent");
    }

    /// <summary>Logs one line naming every missing setting; the exit code to return.</summary>
    public static int Refuse(IReadOnlyList<string> missing)
    {
        using var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
        logging.CreateLogger("Matching.Service").LogCritical("Not starting: missing required setting(s): {Settings}", string.Join("; ", missing));
        return 1;
    }
}
