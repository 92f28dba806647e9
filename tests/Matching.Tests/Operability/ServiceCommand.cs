using System.Diagnostics;

namespace Matching.Tests.Operability;

/// <summary>Runs the built service's command line (`dotnet Matching.Service.dll ...`) as a user would.</summary>
public static class ServiceCommand
{
    public static string ServiceDll => Path.Combine(AppContext.BaseDirectory, "Matching.Service.dll");

    /// <summary>The development host (dev tokens, demo data, a local database).</summary>
    public static string DevHostDll => Path.Combine(AppContext.BaseDirectory, "Matching.DevHost.dll");

    public static Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(
        string[] args, string? workingDirectory = null, IDictionary<string, string>? environment = null) =>
        RunAsync(ServiceDll, args, workingDirectory, environment);

    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(
        string dll, string[] args, string? workingDirectory = null, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
