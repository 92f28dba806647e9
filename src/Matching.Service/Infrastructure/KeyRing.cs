using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Marten;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Matching.Service.Infrastructure;

/// <summary>
/// The Data Protection key ring (sign-in cookies, antiforgery tokens) kept in PostgreSQL, so every node of one
/// environment reads and writes the same keys, and protected at rest by a certificate from configuration.
/// Each application name (one per environment unless configured) has its own keys: a Development instance's
/// unprotected keys never join a Production ring, and a cookie from one can't be read by the other.
/// </summary>
public static class KeyRing
{
    public const string TableName = "data_protection_keys";

    public static string ApplicationName(IConfiguration configuration, IHostEnvironment environment) =>
        configuration["DataProtection:ApplicationName"] is { Length: > 0 } configured
            ? configured
            : $"matching-{environment.EnvironmentName.ToLowerInvariant()}";

    public static void AddMatchingKeyRing(this WebApplicationBuilder builder, string connectionString)
    {
        var application = ApplicationName(builder.Configuration, builder.Environment);
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName(application);
        builder.Services.Configure<KeyManagementOptions>(o => o.XmlRepository = new PostgresKeyRepository(connectionString, MartenSetup.SchemaName, application));

        if (LoadCertificate(builder.Configuration) is { } certificate)
        {
            // Decryption looks the certificate up by thumbprint in the machine's stores unless it is given here.
            dataProtection.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        }
    }

    /// <summary>`DataProtection:CertificatePath`: a PFX (with `CertificatePassword`) or a PEM certificate with its key in `CertificateKeyPath` or the same file.</summary>
    public static X509Certificate2? LoadCertificate(IConfiguration configuration)
    {
        var section = configuration.GetSection("DataProtection");
        var path = section["CertificatePath"];
        if (string.IsNullOrWhiteSpace(path)) return null;
        var certificate = path.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".crt", StringComparison.OrdinalIgnoreCase)
            ? X509Certificate2.CreateFromPemFile(path, section["CertificateKeyPath"] is { Length: > 0 } key ? key : null)
            : X509CertificateLoader.LoadPkcs12FromFile(path, section["CertificatePassword"]);
        if (!certificate.HasPrivateKey)
            throw new InvalidOperationException($"'{path}' has no private key: the keys could be written but never read back.");
        // XML encryption of the keys takes an RSA certificate.
        using var rsa = certificate.GetRSAPublicKey();
        if (rsa is null)
            throw new InvalidOperationException($"'{path}' is not an RSA certificate: the key ring is encrypted with RSA.");
        return certificate;
    }

    /// <summary>
    /// After the schema is in place and before Data Protection loads its ring (its own start-up service, registered
    /// earlier by authentication and antiforgery, is moved behind this one): make the ring's first key once for every
    /// node. Nodes starting together on an empty ring would each make their own, and a node only looks again for a key
    /// it doesn't know in its first minutes, so another node's cookies could fail there for up to a day.
    /// </summary>
    public static void AddKeyRingOnStartup(this IServiceCollection services)
    {
        services.AddHostedService<KeyRingOnStartup>();
        var dataProtection = services.Where(d => d.ServiceType == typeof(IHostedService)
                                                 && d.ImplementationType?.FullName?.StartsWith("Microsoft.AspNetCore.DataProtection.", StringComparison.Ordinal) == true)
            .ToArray();
        foreach (var descriptor in dataProtection)
        {
            services.Remove(descriptor);
            services.Add(descriptor);
        }
    }

    /// <summary>The key table, managed with Marten's schema (created by db-apply or at start-up where that is on).</summary>
    public static void Configure(StoreOptions opts)
    {
        var table = new Table($"{opts.DatabaseSchemaName}.{TableName}");
        table.AddColumn<string>("application").AsPrimaryKey();
        table.AddColumn<string>("name").AsPrimaryKey();
        table.AddColumn<string>("xml").NotNull();
        table.AddColumn<DateTimeOffset>("created").NotNull().DefaultValueByExpression("now()");
        opts.Storage.ExtendedSchemaObjects.Add(table);
    }
}

/// <summary>Makes the first key of an empty ring, one node at a time (see <see cref="KeyRing.AddKeyRingOnStartup" />).</summary>
internal sealed class KeyRingOnStartup(IKeyManager keys, IDocumentStore store, TimeProvider time, ILogger<KeyRingOnStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand("select to_regclass(@table) is not null", connection))
        {
            exists.Parameters.AddWithValue("table", $"{store.Options.DatabaseSchemaName}.{KeyRing.TableName}");
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
            {
                logger.LogWarning("The key ring's table is missing: apply the schema (db-apply, or Matching:ApplySchemaOnStartup)");
                return;
            }
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var gate = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext('matching:data-protection-keys'))", connection, transaction))
            await gate.ExecuteNonQueryAsync(cancellationToken);
        var now = time.GetUtcNow();
        // The key manager reads the table afresh: a key another node made while this one waited is seen here.
        if (!keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now))
        {
            keys.CreateNewKey(now, now.AddDays(90));
            logger.LogInformation("Made the first key of the key ring");
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// Data Protection's key storage over one PostgreSQL table. Its interface is synchronous; keys are read once and
/// cached by the key manager (again when a key isn't found or a day has passed), so these calls are rare.
/// </summary>
public sealed class PostgresKeyRepository(string connectionString, string schema, string application) : IXmlRepository
{
    private string Table => $"{schema}.{KeyRing.TableName}";

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand($"select xml from {Table} where application = @application order by created", connection);
        command.Parameters.AddWithValue("application", application);
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read()) elements.Add(XElement.Parse(reader.GetString(0)));
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        // Every key is kept; the first one is made under a lock (KeyRingOnStartup), later ones ahead of their activation.
        using var command = new NpgsqlCommand(
            $"insert into {Table} (application, name, xml) values (@application, @name, @xml) on conflict do nothing", connection);
        command.Parameters.AddWithValue("application", application);
        command.Parameters.AddWithValue("name", friendlyName);
        command.Parameters.AddWithValue("xml", element.ToString(SaveOptions.DisableFormatting));
        command.ExecuteNonQuery();
    }
}
