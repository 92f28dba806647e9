using System.Net;
using JasperFx.CodeGeneration;
using Matching.Tests.Operability;
using Matching.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace Matching.Tests.CodeGeneration;

/// <summary>
/// Outside Development and Testing the service loads Wolverine's handlers from the generated code
/// compiled into it (TypeLoadMode.Static), so the checked-in code must match the endpoints.
/// </summary>
public class GeneratedCodeTests
{
    public const string Fix =
        "Run `dotnet run --project src/Matching.Service -- codegen write` and commit src/Matching.Service/Internal/Generated.";

    public static string CheckedInFolder => Path.Combine(RepositoryRoot(), "src", "Matching.Service", "Internal", "Generated");

    [Fact]
    public async Task checked_in_generated_code_matches_the_current_endpoints()
    {
        // The same command a developer runs, writing into a scratch content root instead of the project.
        var scratch = Directory.CreateTempSubdirectory("matching-codegen-").FullName;
        try
        {
            var (exit, stdout, stderr) = await ServiceCommand.RunAsync(["codegen", "write"], scratch,
                new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development" });
            exit.ShouldBe(0, stdout + stderr);

            var expected = Files(Path.Combine(scratch, "Internal", "Generated"));
            var actual = Directory.Exists(CheckedInFolder) ? Files(CheckedInFolder) : new Dictionary<string, string>();
            expected.ShouldNotBeEmpty();

            var missing = expected.Keys.Except(actual.Keys).ToArray();
            var extra = actual.Keys.Except(expected.Keys).ToArray();
            var changed = expected.Keys.Intersect(actual.Keys).Where(k => expected[k] != actual[k]).ToArray();
            var problems = missing.Select(f => $"missing: {f}")
                .Concat(extra.Select(f => $"no longer generated: {f}"))
                .Concat(changed.Select(f => $"out of date: {f}"))
                .ToArray();
            problems.ShouldBeEmpty($"The generated code is stale. {Fix}");
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>Relative path → content with line endings normalised.</summary>
    private static Dictionary<string, string> Files(string folder) =>
        Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories).ToDictionary(
            f => Path.GetRelativePath(folder, f).Replace('\\', '/'),
            f => File.ReadAllText(f).Replace("\r\n", "\n").TrimEnd());

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Matching.EventSourced.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Matching.EventSourced.sln not found above the test binaries.");
    }
}

public class ProductionStartupTests(ProductionFixture app) : IClassFixture<ProductionFixture>
{
    [Fact]
    public async Task service_starts_in_production_with_static_loading_and_serves_intake()
    {
        app.Host.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostEnvironment>().EnvironmentName.ShouldBe("Production");
        app.Host.Services.GetRequiredService<WolverineOptions>().CodeGeneration.TypeLoadMode.ShouldBe(TypeLoadMode.Static);

        var (status, body) = await app.Host.Post("/api/intake", Samples.Intake());
        status.ShouldBe(HttpStatusCode.Created, $"{body?.ToJsonString()} {GeneratedCodeTests.Fix}");

        // Production accepts no development tokens.
        var (triage, _) = await app.Host.Post($"/api/referrals/{body!["referralId"]}/triage", new { priority = "routine" }, Tokens.Coordinator);
        triage.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
