using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Matching.LoadBench;

/// <summary>
/// The service as it is deployed: `dotnet Matching.Service.dll` in a child process on real Kestrel on
/// loopback, with the committed generated code (static type loading) and its own memory to measure.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    public Uri BaseAddress { get; }
    public int Pid => _process.Id;

    private readonly long _startedAt;

    private ServiceProcess(Process process, Uri baseAddress, long startedAt)
    {
        _startedAt = startedAt;
        _process = process;
        BaseAddress = baseAddress;
    }

    /// <summary>The service's built entry assembly, next to its appsettings and generated code.</summary>
    public static string ServiceDll(string repositoryRoot)
    {
        var configuration = typeof(ServiceProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var dll = Path.Combine(repositoryRoot, "src", "Matching.Service", "bin", configuration, "net10.0", "Matching.Service.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"Build the service first ({configuration}).", dll);
        return dll;
    }

    /// <summary>
    /// Publishes the service as its container image does (framework-dependent, ReadyToRun for this machine's runtime
    /// identifier) into a scratch folder; returns the published entry assembly.
    /// </summary>
    public static async Task<string> PublishReadyToRunAsync(string repositoryRoot)
    {
        var output = Path.Combine(Path.GetTempPath(), "matching-loadbench-readytorun");
        var project = Path.Combine(repositoryRoot, "src", "Matching.Service", "Matching.Service.csproj");
        Console.WriteLine($"Publishing the service ReadyToRun ({RuntimeInformation.RuntimeIdentifier}) into {output} ...");
        var start = new ProcessStartInfo("dotnet",
            ["publish", project, "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "--self-contained", "false",
             "-p:PublishReadyToRun=true", "-p:UseAppHost=false", "-o", output, "--nologo", "-v", "quiet"])
        {
            UseShellExecute = false
        };
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"dotnet publish failed with {process.ExitCode}.");
        return Path.Combine(output, "Matching.Service.dll");
    }

    /// <summary>Starts the service as deployed: Production, static generated code, its identity provider and secrets.</summary>
    public static ServiceProcess Start(string dll, string connectionString, BenchIdentity identity, bool applySchema,
        IReadOnlyDictionary<string, string>? extraEnvironment = null, Action<string>? output = null)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false
        };
        var env = start.Environment;
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        env["DOTNET_ENVIRONMENT"] = "Production";
        env["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        env["ConnectionStrings__Marten"] = connectionString;
        env["Matching__ApplySchemaOnStartup"] = applySchema ? "true" : "false";
        env["Matching__IntakeRateLimitPerMinute"] = "100000000";
        // No scenario sends FHIR referrals: the validator's warm-up would only take CPU from what is measured.
        env["Fhir__WarmUpValidator"] = "false";
        foreach (var (name, value) in identity.Environment()) env[name] = value;
        env["Logging__LogLevel__Default"] = "Warning";
        env["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Warning";
        foreach (var (name, value) in extraEnvironment ?? new Dictionary<string, string>()) env[name] = value;
        var startedAt = Stopwatch.GetTimestamp();
        var process = Process.Start(start)!;
        // Drain both pipes so the child never blocks on a full one; keep what it says visible.
        output ??= line => Console.WriteLine($"    [service] {line}");
        process.OutputDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data)) output(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data)) output(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServiceProcess(process, new Uri($"http://127.0.0.1:{port}"), startedAt);
    }

    /// <summary>Posts an intake until the first 2xx; returns the time since the process started.</summary>
    public async Task<TimeSpan> WaitForFirstIntakeAsync(HttpClient client, TimeSpan timeout)
    {
        var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(Payloads.Intake(), Json.Options);
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The service exited with {_process.ExitCode} before answering.");
            try
            {
                using var content = Json.Content(body);
                using var response = await client.PostAsync(new Uri(BaseAddress, "/api/intake"), content);
                if (response.IsSuccessStatusCode) return Stopwatch.GetElapsedTime(_startedAt);
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(10);
        }
        throw new TimeoutException("The service did not answer an intake in time.");
    }

    /// <summary>Polls `/health/ready` until it answers 200.</summary>
    public async Task WaitUntilReadyAsync(HttpClient client, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The service exited with {_process.ExitCode} before it was ready.");
            try
            {
                using var response = await client.GetAsync(new Uri(BaseAddress, "/health/ready"));
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("The service did not become ready in time.");
    }

    /// <summary>kill -9: no shutdown, no goodbye to the cluster.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>The process's peak resident set (VmHWM), in MiB.</summary>
    public double PeakWorkingSetMiB() => Status("VmHWM:") ?? Refreshed().PeakWorkingSet64 / 1024.0 / 1024.0;

    /// <summary>The process's resident set now (VmRSS), in MiB.</summary>
    public double WorkingSetMiB() => Status("VmRSS:") ?? Refreshed().WorkingSet64 / 1024.0 / 1024.0;

    private double? Status(string field)
    {
        var status = $"/proc/{_process.Id}/status";
        if (!File.Exists(status)) return null;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith(field));
        return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }

    private Process Refreshed()
    {
        _process.Refresh();
        return _process;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    /// <summary>A loopback port nothing listens on now.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
