using Matching.DevHost;
using DotNet.Testcontainers.Configurations;
using Matching.Service.Infrastructure;
using Npgsql;
using Testcontainers.PostgreSql;

namespace Matching.Tests.Support;

/// <summary>
/// One PostgreSQL server for the whole test run, and a fresh database per test class.
/// In order: a server named by `MATCHING_TEST_POSTGRES` (or `ConnectionStrings__Marten`);
/// a Testcontainers container where a Docker engine answers; a private throwaway server
/// started from the machine's PostgreSQL binaries.
/// </summary>
public static class TestDatabase
{
    private static readonly Lazy<Task<string>> Server = new(StartServerAsync);
    private static int _counter;

    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var serverConnection = await Server.Value;
        var name = $"t_{prefix.ToLowerInvariant()}_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}";
        name = name.Length > 60 ? name[^60..] : name;
        await using var connection = new NpgsqlConnection(serverConnection);
        await connection.OpenAsync();
        await using (var drop = new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", connection))
            await drop.ExecuteNonQueryAsync();
        await using (var create = new NpgsqlCommand($"create database \"{name}\"", connection))
            await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(serverConnection) { Database = name }.ConnectionString;
    }

    private static async Task<string> StartServerAsync()
    {
        var configured = Environment.GetEnvironmentVariable("MATCHING_TEST_POSTGRES")
                         ?? Environment.GetEnvironmentVariable("ConnectionStrings__Marten");
        if (!string.IsNullOrWhiteSpace(configured))
            return new NpgsqlConnectionStringBuilder(configured) { Database = "postgres" }.ConnectionString;

        if (DockerIsAvailable())
        {
            try
            {
                var container = new PostgreSqlBuilder("postgres:16-alpine").Build();
                await container.StartAsync();
                AppDomain.CurrentDomain.ProcessExit += (_, _) => container.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
                return new NpgsqlConnectionStringBuilder(container.GetConnectionString()) { Database = "postgres" }.ConnectionString;
            }
            catch (Exception e) when (e.GetType().Name.Contains("DockerUnavailable"))
            {
                // Fall through to the local binaries.
            }
        }

        await RemoveLeftoversAsync();
        var folder = Path.Combine(Path.GetTempPath(), $"{FolderPrefix}{Environment.ProcessId}");
        var server = await LocalPostgres.StartAsync(folder, port: null, Console.Error.WriteLine);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            server.Stop();
            try { Directory.Delete(folder, recursive: true); } catch { /* the OS cleans /tmp */ }
        };
        return server.ConnectionString("postgres");
    }

    private const string FolderPrefix = "matching-tests-pg-";

    /// <summary>
    /// The folders of earlier runs whose test process has ended. A run's own deletion at exit doesn't always finish before
    /// the test host is ended, and each folder holds a cluster of over a gigabyte; a test host killed outright (a timeout)
    /// leaves its server running too, which is stopped first. A run still going on beside this one is left alone.
    /// </summary>
    private static async Task RemoveLeftoversAsync()
    {
        foreach (var folder in Directory.GetDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            if (!int.TryParse(Path.GetFileName(folder)[FolderPrefix.Length..], out var owner) || owner == Environment.ProcessId) continue;
            if (IsRunning(owner)) continue;
            if (File.Exists(Path.Combine(folder, "data", "postmaster.pid")))
            {
                Console.Error.WriteLine($"Stopping the PostgreSQL an ended test run left in {folder} ...");
                await LocalPostgres.StopLeftOverAsync(folder, Console.Error.WriteLine);
                if (File.Exists(Path.Combine(folder, "data", "postmaster.pid"))) continue;
            }
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static bool DockerIsAvailable()
    {
        try
        {
            return TestcontainersSettings.OS.DockerEndpointAuthConfig is not null;
        }
        catch
        {
            return false;
        }
    }
}
