using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Matching.Tests.Support;
using Xunit.Abstractions;

namespace Matching.Tests.Api;

/// <summary>
/// The OpenAPI document as strict outside tools read it: Redocly's linter, run from the npm registry as an integrator
/// would (`npx @redocly/cli lint`), must find no error.
/// </summary>
public class ApiDocumentTests(AppFixture app, ITestOutputHelper output) : IClassFixture<AppFixture>
{
    public const string Redocly = "@redocly/cli@2.77.0";

    [Fact]
    public async Task redocly_lint_finds_no_error_in_the_document()
    {
        var (status, document) = await app.Host.Get("/openapi/v1.json");
        status.ShouldBe(HttpStatusCode.OK);
        var file = Path.Combine(Path.GetTempPath(), $"matching-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, document!.ToJsonString());
        // A copy to read beside the test results.
        var results = Path.Combine(CodeGeneration.GeneratedCodeTests.RepositoryRoot(), "TestResults");
        Directory.CreateDirectory(results);
        await File.WriteAllTextAsync(Path.Combine(results, "openapi.json"), document.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        try
        {
            var (exit, stdout, stderr) = await NpxAsync([Redocly, "lint", file, "--format=json"]);
            var report = JsonNode.Parse(stdout[stdout.IndexOf('{')..])!;
            var problems = report["problems"]!.AsArray();
            var errors = problems.Where(p => p!["severity"]!.GetValue<string>() == "error")
                .Select(p => $"{p!["ruleId"]}: {p["message"]} at {p["location"]?[0]?["pointer"]}").ToArray();
            foreach (var warning in problems.Where(p => p!["severity"]!.GetValue<string>() != "error"))
                output.WriteLine($"warning {warning!["ruleId"]}: {warning["message"]} at {warning["location"]?[0]?["pointer"]}");
            errors.ShouldBeEmpty(string.Join(Environment.NewLine, errors));
            exit.ShouldBe(0, stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Runs a package from the npm registry with npx (Node.js from Debian's packages; `.ci/run` installs it).</summary>
    public static async Task<(int Exit, string StdOut, string StdErr)> NpxAsync(string[] args)
    {
        var start = new ProcessStartInfo("npx", ["--yes", .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false
        };
        start.Environment["NO_UPDATE_NOTIFIER"] = "1";
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        using var process = Process.Start(start)
                            ?? throw new InvalidOperationException("npx is not installed (apt-get install nodejs npm).");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
