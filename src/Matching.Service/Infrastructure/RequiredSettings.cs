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

    /// <summary>The settings that are missing, with why each is needed; empty when the service can start.</summary>
    public static IReadOnlyList<string> Missing(WebApplicationBuilder builder, string[] args)
    {
        var missing = new List<string>();
        if (ConnectionString(builder.Configuration, args) is null)
            missing.Add("ConnectionStrings:Marten (the PostgreSQL database; for a local database with demo data run `dotnet run --project src/Matching.DevHost`)");
        return missing;
    }

    /// <summary>Logs one line naming every missing setting; the exit code to return.</summary>
    public static int Refuse(IReadOnlyList<string> missing)
    {
        using var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
        logging.CreateLogger("Matching.Service").LogCritical("Not starting: missing required setting(s): {Settings}", string.Join("; ", missing));
        return 1;
    }
}
