using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Matching.DevHost;

/// <summary>
/// A private PostgreSQL server run from the machine's own binaries: the service's zero-configuration
/// database for local runs, and the tests' database where no Docker engine is available.
/// PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.
/// </summary>
public sealed class LocalPostgres
{
    private readonly string _binDir;
    private readonly Action<string> _log;

    public string DataDirectory { get; }
    public int Port { get; }

    private readonly bool _durable;

    private LocalPostgres(string binDir, string dataDirectory, int port, Action<string> log, bool durable)
    {
        _durable = durable;
        _binDir = binDir;
        DataDirectory = dataDirectory;
        Port = port;
        _log = log;
    }

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database,
            Pooling = true, MaxPoolSize = 100
        }.ConnectionString;

    /// <summary>Starts (or reuses) the server whose data lives in <paramref name="dataDirectory" />.</summary>
    /// <param name="durable">
    /// Commits survive a crash (fsync and synchronous commit on, as in production). Off by default: a development or
    /// test database trades that for speed, and an acknowledged commit can be lost when it is killed.
    /// </param>
    public static async Task<LocalPostgres> StartAsync(string dataDirectory, int? port, Action<string> log, bool durable = false)
    {
        var binDir = await EnsureBinariesAsync(log);
        var portFile = Path.Combine(dataDirectory, "matching.port");
        var chosenPort = port
                         ?? (File.Exists(portFile) && int.TryParse(await File.ReadAllTextAsync(portFile), out var saved) ? saved : FreePort());
        var server = new LocalPostgres(binDir, Path.GetFullPath(dataDirectory), chosenPort, log, durable);
        await server.InitAndStartAsync();
        await File.WriteAllTextAsync(portFile, chosenPort.ToString());
        return server;
    }

    public async Task CreateDatabaseIfMissingAsync(string database)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = @name", connection);
        exists.Parameters.AddWithValue("name", database);
        if (await exists.ExecuteScalarAsync() is not null) return;
        await using var create = new NpgsqlCommand($"create database \"{database}\"", connection);
        try
        {
            await create.ExecuteNonQueryAsync();
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another process created it at the same moment.
        }
    }

    /// <summary>
    /// Stops the server left running in <paramref name="dataDirectory" /> by a process that has ended without stopping it
    /// (a test host killed before its exit handlers ran).
    /// </summary>
    public static async Task StopLeftOverAsync(string dataDirectory, Action<string> log) =>
        new LocalPostgres(await EnsureBinariesAsync(log), Path.GetFullPath(dataDirectory), 0, log, durable: false).Stop();

    public void Stop()
    {
        try
        {
            // As the server's own user (pg_ctl refuses root), or the stop fails and the server outlives the run.
            RunPg("pg_ctl", ["stop", "-D", Path.Combine(DataDirectory, "data"), "-m", "immediate", "-w"], check: false);
        }
        catch
        {
            // Best effort at process exit.
        }
    }

    private async Task InitAndStartAsync()
    {
        Directory.CreateDirectory(DataDirectory);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            EnsurePostgresUser();
            Run("chown", ["-R", "postgres:postgres", DataDirectory]);
        }

        var pgData = Path.Combine(DataDirectory, "data");
        if (!File.Exists(Path.Combine(pgData, "PG_VERSION")))
        {
            _log($"Initialising a local PostgreSQL in {pgData} ...");
            if (Directory.Exists(pgData)) Directory.Delete(pgData, recursive: true);
            RunPg("initdb", ["-D", pgData, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]);
        }

        if (RunPg("pg_ctl", ["status", "-D", pgData], check: false) != 0)
        {
            _log($"Starting the local PostgreSQL on 127.0.0.1:{Port} ...");
            var options = $"-c listen_addresses=127.0.0.1 -p {Port} -k {DataDirectory} -c max_connections=300" +
                          (_durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
            RunPg("pg_ctl", ["start", "-D", pgData, "-o", options, "-l", Path.Combine(DataDirectory, "server.log"), "-w", "-t", "60"]);
        }

        // Wait until it accepts connections (pg_ctl -w already waited; this covers a reused server).
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
                await connection.OpenAsync();
                return;
            }
            catch when (attempt < 50)
            {
                await Task.Delay(200);
            }
        }
    }

    private int RunPg(string tool, string[] args, bool check = true)
    {
        var path = Path.Combine(_binDir, tool);
        return Environment.UserName == "root"
            ? Run("runuser", ["-u", "postgres", "--", path, ..args], check)
            : Run(path, args, check);
    }

    private static int Run(string file, string[] args, bool check = true, bool quiet = false)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["LC_ALL"] = "C.UTF-8";
        using var process = Process.Start(start)!;
        // Read both streams so a chatty child never blocks on a full pipe; pg_ctl start leaves the
        // server holding the inherited handles, so don't wait for end of stream.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (check && process.ExitCode != 0 && !quiet)
        {
            var output = (stdout.IsCompleted ? stdout.Result : "") + (stderr.IsCompleted ? stderr.Result : "");
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {output}");
        }
        return process.ExitCode;
    }

    private static void EnsurePostgresUser()
    {
        if (Run("id", ["-u", "postgres"], check: false) != 0)
            Run("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"]);
    }

    /// <summary>Finds initdb and pg_ctl; on a machine without them, installs Debian's PostgreSQL when it can.</summary>
    public static async Task<string> EnsureBinariesAsync(Action<string> log)
    {
        var found = FindBinDirectory();
        if (found is not null) return found;

        if (Environment.UserName == "root" && File.Exists("/usr/bin/apt-get"))
        {
            log("No PostgreSQL server binaries found: installing Debian's postgresql package (one time) ...");
            var install = new ProcessStartInfo("/bin/sh",
                ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null"]);
            using var process = Process.Start(install)!;
            await process.WaitForExitAsync();
            found = FindBinDirectory();
            if (found is not null) return found;
        }

        throw new InvalidOperationException(
            "No PostgreSQL server binaries (initdb, pg_ctl) were found. Install PostgreSQL " +
            "(apt-get install postgresql) or set ConnectionStrings__Marten.");
    }

    private static string? FindBinDirectory()
    {
        var candidates = new List<string>();
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")));
        }
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries));
        return candidates.FirstOrDefault(dir => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")));
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
