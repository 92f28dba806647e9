using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Matching.LoadBench;
using Matching.Tests.Operability;
using Matching.Tests.Support;

namespace Matching.Tests.Infrastructure;

/// <summary>The service as an operator starts it (its own build output, a child process), with settings missing.</summary>
public class RequiredSettingsTests
{
    private static Dictionary<string, string> Environment(string environment, params (string Key, string Value)[] settings)
    {
        var variables = new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = environment, ["ASPNETCORE_URLS"] = "http://127.0.0.1:0" };
        foreach (var (key, value) in settings) variables[key] = value;
        return variables;
    }

    [Fact]
    public async Task production_refuses_to_start_without_its_provider_key_ring_certificate_and_audit_key_in_one_line()
    {
        var (exit, stdout, stderr) = await ServiceCommand.RunAsync([],
            environment: Environment("Production", ("ConnectionStrings__Marten", "Host=127.0.0.1;Port=1;Database=none")));

        exit.ShouldBe(1);
        var lines = (stdout + stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var refusal = lines.ShouldHaveSingleItem();
        refusal.ShouldStartWith("crit:");
        refusal.ShouldContain("Auth:Authority");
        refusal.ShouldContain("DataProtection:CertificatePath");
        refusal.ShouldContain("Audit:SigningKeyPath");
        refusal.ShouldNotContain("ConnectionStrings:Marten");
    }

    [Fact]
    public async Task no_environment_starts_without_a_database_or_with_an_unreadable_proxy_network()
    {
        var (exit, stdout, stderr) = await ServiceCommand.RunAsync([],
            environment: Environment("Development", ("Proxy__KnownNetworks", "10.0.0.0/8, the-office")));

        exit.ShouldBe(1);
        var refusal = (stdout + stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldHaveSingleItem();
        refusal.ShouldContain("ConnectionStrings:Marten");
        refusal.ShouldContain("src/Matching.DevHost");
        refusal.ShouldContain("Proxy:KnownNetworks ('10.0.0.0/8, the-office'");
    }

    private static IReadOnlyList<string> MissingInProduction(IDictionary<string, string> settings)
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder(
            new Microsoft.AspNetCore.Builder.WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(settings!);
        builder.Configuration["ConnectionStrings:Marten"] = "Host=127.0.0.1;Database=matching";
        return Matching.Service.Infrastructure.RequiredSettings.Missing(builder, []);
    }

    [Fact]
    public void production_takes_the_providers_keys_over_plain_http_only_from_this_machine()
    {
        using var secrets = ProductionSecrets.Create();
        MissingInProduction(secrets.Settings("http://127.0.0.1:5090/", "matching", "s")).ShouldBeEmpty();
        MissingInProduction(secrets.Settings("http://login.practice.example/", "matching", "s"))
            .ShouldHaveSingleItem().ShouldStartWith("Auth:RequireHttpsMetadata");
    }

    [Fact]
    public void production_refuses_a_certificate_or_audit_key_it_cannot_use()
    {
        using var secrets = ProductionSecrets.Create();
        var settings = secrets.Settings("https://login.practice.example/", "matching", "s");
        settings.Remove("Auth:RequireHttpsMetadata");
        settings["DataProtection:CertificatePassword"] = "not-the-password";
        settings["Audit:SigningKeyPath"] = Path.Combine(secrets.Folder, "no-such-key.pem");

        var missing = MissingInProduction(settings);
        missing.Count.ShouldBe(2);
        missing[0].ShouldStartWith("DataProtection:CertificatePath (");
        missing[1].ShouldContain("Audit:SigningKeyPath");
        missing[1].ShouldContain("no-such-key.pem");
    }

    [Fact]
    public async Task production_without_an_smtp_host_starts_with_a_warning()
    {
        using var secrets = ProductionSecrets.Create();
        var database = await TestDatabase.CreateDatabaseAsync(nameof(RequiredSettingsTests));
        var variables = Environment("Production", ("ConnectionStrings__Marten", database), ("Matching__ApplySchemaOnStartup", "true"));
        // The provider is only asked for its keys when a token arrives: an address is enough to start.
        foreach (var (key, value) in secrets.Settings("https://login.practice.example/", Staff.ClientId, Staff.ClientSecret))
            if (key != "Auth:RequireHttpsMetadata") variables[key.Replace(":", "__")] = value;

        var start = new ProcessStartInfo("dotnet", [ServiceCommand.ServiceDll])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(ServiceCommand.ServiceDll)!
        };
        foreach (var (key, value) in variables) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var warned = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string? previous = null;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            // The console logger writes the level and category on one line and the message on the next.
            if (e.Data.Contains("Smtp:Host is not set")) warned.TrySetResult(previous + " " + e.Data);
            if (e.Data.Contains("Application started")) started.TrySetResult();
            previous = e.Data;
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var line = await warned.Task.WaitAsync(TimeSpan.FromSeconds(90));
            line.ShouldStartWith("warn:");
            await started.Task.WaitAsync(TimeSpan.FromSeconds(90));
            process.HasExited.ShouldBeFalse();
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
