using Alba;
using JasperFx.CommandLine;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Matching.Tests.Support;

/// <summary>The service on its own fresh database, driven over HTTP with Alba.</summary>
public class AppFixture : IAsyncLifetime
{
    public IAlbaHost Host { get; private set; } = null!;
    public string ConnectionString { get; private set; } = null!;

    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>Development by default: dev tokens and the demo sign-in.</summary>
    protected virtual string Environment => "Development";

    /// <summary>Starts what the service needs besides its database (an identity provider, say), before the host.</summary>
    protected virtual Task StartDependenciesAsync() => Task.CompletedTask;

    protected virtual ValueTask StopDependenciesAsync() => ValueTask.CompletedTask;

    /// <summary>Replace services after the service's own registrations (a fake clock, for instance).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public async Task InitializeAsync()
    {
        JasperFxEnvironment.AutoStartHost = true;
        ConnectionString = await TestDatabase.CreateDatabaseAsync(GetType().Name);
        await StartDependenciesAsync();
        Host = await AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment(Environment);
            builder.UseSetting("ConnectionStrings:Marten", ConnectionString);
            builder.UseSetting("Matching:IntakeRateLimitPerMinute", "100000");
            builder.UseSetting("Matching:ClientLinkRateLimitPerMinute", "100000");
            foreach (var (key, value) in Settings) builder.UseSetting(key, value);
            builder.ConfigureTestServices(ConfigureServices);
        });
    }

    public IDocumentStore Store => Host.Services.GetRequiredService<IDocumentStore>();

    /// <summary>Every event in the store: a refused command leaves it as it was.</summary>
    public async Task<long> EventCount()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from matching.mt_events", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task DisposeAsync()
    {
        if (Host is not null) await Host.DisposeAsync();
        await StopDependenciesAsync();
    }
}
