using System.Diagnostics;
using System.Text.Json;
using Matching.Service.Infrastructure;
using Matching.Tests.CodeGeneration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace Matching.Tests.Operability;

/// <summary>
/// The compose files and what they mount, checked where no Docker engine runs: they parse, point at files that
/// exist, give the production service every setting it refuses to start without, and the imported realm holds what
/// the service reads from its tokens. Where the docker CLI has compose, `docker compose config` checks them too.
/// </summary>
public class DeploymentFilesTests
{
    private static readonly string Root = GeneratedCodeTests.RepositoryRoot();

    public static TheoryData<string> ComposeFiles => new() { "docker-compose.yml", "docker-compose.production.yml" };

    [Theory]
    [MemberData(nameof(ComposeFiles))]
    public void compose_files_parse_and_mount_only_files_of_the_repository_or_the_secrets_folder(string file)
    {
        var services = Services(file);
        services.Children.ShouldNotBeEmpty();
        foreach (var (name, service) in services.Children)
        {
            if (service is not YamlMappingNode node) continue;
            if (node.Children.TryGetValue("build", out var build) && build is YamlMappingNode b)
                File.Exists(Path.Combine(Root, ((YamlScalarNode)b["dockerfile"]).Value!)).ShouldBeTrue($"{name}: its Dockerfile");
            if (!node.Children.TryGetValue("volumes", out var volumes)) continue;
            foreach (var volume in ((YamlSequenceNode)volumes).Children.Select(v => ((YamlScalarNode)v).Value!))
            {
                var source = volume.Split(':')[0];
                if (!source.StartsWith("./", StringComparison.Ordinal)) continue;
                // The secrets are made by each installation (README) and never committed.
                if (source.StartsWith("./docs/deploy/secrets", StringComparison.Ordinal)) continue;
                Path.Exists(Path.Combine(Root, source[2..])).ShouldBeTrue($"{name} mounts {source}");
            }
        }
    }

    [Fact]
    public void the_production_service_is_given_every_setting_production_requires()
    {
        var environment = (YamlMappingNode)((YamlMappingNode)Services("docker-compose.production.yml")["service"])["environment"];
        var settings = environment.Children.ToDictionary(
            e => ((YamlScalarNode)e.Key).Value!.Replace("__", ":"), e => ((YamlScalarNode)e.Value).Value);
        settings["ASPNETCORE_ENVIRONMENT"].ShouldBe("Production");

        // The secrets the README says to make, where the compose file mounts them.
        const string mounted = "/run/secrets/matching/";
        var secrets = Directory.CreateTempSubdirectory("matching-compose-secrets-");
        try
        {
            using (var rsa = System.Security.Cryptography.RSA.Create(2048))
            {
                var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
                    "CN=Matching key ring", rsa, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
                using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
                File.WriteAllText(Path.Combine(secrets.FullName, "key-ring.crt"), certificate.ExportCertificatePem());
                File.WriteAllText(Path.Combine(secrets.FullName, "key-ring.key"), rsa.ExportPkcs8PrivateKeyPem());
            }
            using (var audit = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256))
                File.WriteAllText(Path.Combine(secrets.FullName, "audit-signing.pem"), audit.ExportPkcs8PrivateKeyPem());
            foreach (var key in settings.Keys.ToArray())
                if (settings[key]?.StartsWith(mounted, StringComparison.Ordinal) == true)
                    settings[key] = Path.Combine(secrets.FullName, settings[key]![mounted.Length..]);

            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
            builder.Configuration.AddInMemoryCollection(settings);
            RequiredSettings.Missing(builder, []).ShouldBeEmpty();
        }
        finally
        {
            secrets.Delete(recursive: true);
        }
    }

    [Fact]
    public void the_keycloak_realm_holds_the_roles_and_puts_roles_the_clinician_id_and_a_partners_organization_where_the_service_reads_them()
    {
        using var realm = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "docs/deploy/keycloak/matching-realm.json")));
        realm.RootElement.GetProperty("roles").GetProperty("realm").EnumerateArray().Select(r => r.GetProperty("name").GetString())
            .ShouldBe(Roles.All, ignoreOrder: true);

        var client = realm.RootElement.GetProperty("clients").EnumerateArray().Single(c => c.GetProperty("clientId").GetString() == "matching");
        client.GetProperty("attributes").GetProperty("pkce.code.challenge.method").GetString().ShouldBe("S256");
        client.GetProperty("redirectUris")[0].GetString().ShouldBe("https://matching.localhost/signin-oidc");
        var mappers = client.GetProperty("protocolMappers").EnumerateArray().ToArray();
        mappers.Count(m => Config(m, "included.client.audience") == "matching").ShouldBe(1);
        foreach (var claim in new[] { "realm_access.roles", Policies.ClinicianIdClaim })
        {
            var mapper = mappers.Single(m => Config(m, "claim.name") == claim);
            // The pages read the identity token, the API the access token.
            mapper.GetProperty("config").GetProperty("id.token.claim").GetString().ShouldBe("true");
            mapper.GetProperty("config").GetProperty("access.token.claim").GetString().ShouldBe("true");
        }

        // A partner's system: client credentials only, its service account a referrer, its organization on every token.
        var partner = realm.RootElement.GetProperty("clients").EnumerateArray().Single(c => c.GetProperty("clientId").GetString() == "partner-riverside");
        partner.GetProperty("serviceAccountsEnabled").GetBoolean().ShouldBeTrue();
        partner.GetProperty("standardFlowEnabled").GetBoolean().ShouldBeFalse();
        var partnerMappers = partner.GetProperty("protocolMappers").EnumerateArray().ToArray();
        partnerMappers.Count(m => Config(m, "included.client.audience") == "matching").ShouldBe(1);
        partnerMappers.Single(m => Config(m, "claim.name") == Policies.ReferrerOrgClaim).GetProperty("config")
            .GetProperty("access.token.claim").GetString().ShouldBe("true");
        realm.RootElement.GetProperty("users").EnumerateArray()
            .Single(u => u.TryGetProperty("serviceAccountClientId", out var id) && id.GetString() == "partner-riverside")
            .GetProperty("realmRoles").EnumerateArray().Select(r => r.GetString()).ShouldBe([Roles.Referrer]);
    }

    [Theory]
    [MemberData(nameof(ComposeFiles))]
    public async Task docker_compose_accepts_the_file_where_its_cli_is_installed(string file)
    {
        if (!await ComposeCliAsync()) return;
        var (exit, output) = await RunAsync("docker", "compose", "-f", file, "config", "--quiet");
        exit.ShouldBe(0, output);
    }

    private static string? Config(JsonElement mapper, string name) =>
        mapper.GetProperty("config").TryGetProperty(name, out var value) ? value.GetString() : null;

    private static YamlMappingNode Services(string file)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Root, file))) yaml.Load(reader);
        return (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
    }

    private static async Task<bool> ComposeCliAsync()
    {
        try
        {
            return (await RunAsync("docker", "compose", "version")).Exit == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static async Task<(int Exit, string Output)> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file, args)
        {
            WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
