using System.Diagnostics;

namespace Matching.LoadBench;

/// <summary>
/// A CPU profile of the whole machine while one scenario runs: `perf record -a -g` (Debian's linux-perf), so the
/// service, PostgreSQL and the load generator are sampled side by side. The service runs with
/// DOTNET_PerfMapEnabled=1 (and W^X off) so perf can name its JIT-compiled frames. Read it with
/// `perf report -i FILE --sort comm,pid` (who uses the CPU) and `perf report -i FILE --pid PID --no-children`.
/// </summary>
public sealed class ServiceTrace : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _file;

    private ServiceTrace(Process process, string file)
    {
        _process = process;
        _file = file;
    }

    /// <summary>Lets processes started from now on write the perf maps that name their JIT-compiled code.</summary>
    public static void EnableSymbolMaps()
    {
        Environment.SetEnvironmentVariable("DOTNET_PerfMapEnabled", "1");
        // Without W^X the JIT's code sits in plain anonymous memory, where perf resolves it through the map.
        Environment.SetEnvironmentVariable("DOTNET_EnableWriteXorExecute", "0");
    }

    public static async Task<ServiceTrace> StartAsync(int servicePid, string directory, string scenario)
    {
        Directory.CreateDirectory(directory);
        var file = Path.Combine(Path.GetFullPath(directory), $"{scenario.Replace(' ', '-')}.pid{servicePid}.perf.data");
        var start = new ProcessStartInfo("perf", ["record", "-a", "-g", "-F", "499", "-o", file])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("perf did not start.");
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        await Task.Delay(300);
        if (process.HasExited) throw new InvalidOperationException($"perf record exited with {process.ExitCode} (install linux-perf).");
        Console.WriteLine($"  profiling into {file}");
        return new ServiceTrace(process, file);
    }

    public async ValueTask DisposeAsync()
    {
        // Ctrl+C ends the recording and finishes the file.
        using (var interrupt = Process.Start("kill", ["-INT", _process.Id.ToString()])) await interrupt.WaitForExitAsync();
        await _process.WaitForExitAsync();
        Console.WriteLine($"  profile written: {_file}");
        _process.Dispose();
    }
}
