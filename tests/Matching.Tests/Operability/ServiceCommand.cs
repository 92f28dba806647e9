using System.Diagnostics;
using System.Reflection;

namespace Matching.Tests.Operability;

/// <summary>Runs the built service's command line (`dotnet Matching.Service.dll ...`) as a user would.</summary>
public static class ServiceCommand
{
    /// <summary>
    /// The service from its own build output, with only its own dependencies beside it, as it is deployed (the test
    /// folder also holds the test identity provider's, which the service's command line would trip over when it
    /// scans the folder).
    /// </summary>
    public static string ServiceDll => BuildOutput("src/Matching.Service", "Matching.Service.dll");

    /// <summary>The development host (dev tokens, demo data, a local database).</summary>
    public static string DevHostDll => BuildOutput("src/Matching.DevHost", "Matching.DevHost.dll");

    private static string BuildOutput(string project, string dll)
    {
        var configuration = typeof(ServiceCommand).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var path = Path.Combine(CodeGeneration.GeneratedCodeTests.RepositoryRoot(), project, "bin", configuration, "net10.0", dll);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build {project} ({configuration}) first.", path);
    }

    public static Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(
        string[] args, string? workingDirectory = null, IDictionary<string, string>? environment = null) =>
        RunAsync(ServiceDll, args, workingDirectory, environment);

    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(
        string dll, string[] args, string? workingDirectory = null, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(dll)!
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
