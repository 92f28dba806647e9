namespace Matching.DevHost;

/// <summary>
/// Where the database is: `ConnectionStrings:Marten` when set; otherwise a local PostgreSQL that
/// this host starts itself (and reuses on the next run) under `.local/postgres` at the
/// repository root, so the README's run command needs no set-up.
/// </summary>
public static class DatabaseBootstrap
{
    public static async Task<string> ResolveConnectionStringAsync(WebApplicationBuilder builder)
    {
        var configured = builder.Configuration.GetConnectionString("Marten");
        if (!string.IsNullOrWhiteSpace(configured)) return configured;

        var root = ServiceHost.RepositoryRoot() ?? builder.Environment.ContentRootPath;
        var folder = Path.Combine(root, ".local", "postgres");
        void Log(string line) => Console.Error.WriteLine($"[local-postgres] {line}");
        var server = await LocalPostgres.StartAsync(folder, port: null, Log);
        await server.CreateDatabaseIfMissingAsync("matching");
        var connectionString = server.ConnectionString("matching");
        Log($"Using the local PostgreSQL on 127.0.0.1:{server.Port} (data in {folder}).");
        builder.Configuration["ConnectionStrings:Marten"] = connectionString;
        return connectionString;
    }
}
