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

    [Fact]
    public async Task every_body_has_an_example_every_answer_a_named_type_and_the_headers_are_declared()
    {
        var (_, document) = await app.Host.Get("/openapi/v1.json");
        var schemas = document!["components"]!["schemas"]!.AsObject();
        schemas.Select(s => s.Key).ShouldNotContain(name => name.StartsWith("ValueTuple"));
        schemas["Payment"]!["oneOf"]!.AsArray().Count.ShouldBe(2);
        schemas["Payment"]!["discriminator"]!["propertyName"]!.GetValue<string>().ShouldBe("method");
        // Computed members are neither asked of clients nor stored.
        schemas["Intake"]!["properties"]!.AsObject().Select(p => p.Key).ShouldNotContain("isUrgent");
        schemas["BookFirstSession"]!["properties"]!.AsObject().Select(p => p.Key).ShouldNotContain("duration");
        // A required member doesn't admit null.
        schemas["TriageReferral"]!["properties"]!["priority"]!["$ref"].ShouldNotBeNull();
        schemas["ClientDetails"]!["properties"]!["firstName"]!["type"]!.GetValue<string>().ShouldBe("string");
        schemas["Consent"]!["required"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(["contact", "privacyNoticeAccepted"], ignoreOrder: true);
        schemas["AvailabilityWindow"]!["properties"]!["from"]!["pattern"].ShouldNotBeNull();

        foreach (var (path, item) in document["paths"]!.AsObject())
        foreach (var (method, operation) in item!.AsObject())
        {
            var name = $"{method.ToUpperInvariant()} {path}";
            if (operation!["requestBody"]?["content"]?["application/json"] is { } body)
                body["example"].ShouldNotBeNull($"{name} has no example");
            foreach (var (status, response) in operation["responses"]!.AsObject())
            {
                if (status.StartsWith('2') && response!["content"] is { } content)
                    foreach (var (_, media) in content.AsObject())
                        (media!["schema"]?["$ref"] ?? media["schema"]?["type"]).ShouldNotBeNull($"{name} {status} names no schema");
                if (status == "201") response!["headers"]?["Location"].ShouldNotBeNull($"{name} 201 declares no Location");
            }
            if (path.StartsWith("/api/reports/")) operation["responses"]!["200"]!["content"]!["text/csv"].ShouldNotBeNull(name);
        }
        var intake = document["paths"]!["/api/intake"]!["post"]!;
        intake["parameters"]!.AsArray().ShouldContain(p => p!["name"]!.GetValue<string>() == "Idempotency-Key" && p["in"]!.GetValue<string>() == "header");
        document["paths"]!["/api/me/proposals"]!["get"]!["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ShouldBe(["status"]);
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
