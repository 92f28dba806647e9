using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Matching.LoadBench;

/// <summary>
/// What a production service is given besides its identity provider, made fresh in a scratch folder: the certificate
/// that protects its key ring (PFX with a password) and the private key that signs audit checkpoints (PEM, P-256).
/// </summary>
public sealed class ProductionSecrets : IDisposable
{
    public string Folder { get; }
    public string CertificatePath { get; }
    public string CertificatePassword { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
    public string AuditKeyPath { get; }

    private ProductionSecrets(string folder)
    {
        Folder = folder;
        CertificatePath = Path.Combine(folder, "key-ring.pfx");
        AuditKeyPath = Path.Combine(folder, "audit-signing.pem");
    }

    public static ProductionSecrets Create()
    {
        var secrets = new ProductionSecrets(Directory.CreateTempSubdirectory("matching-secrets-").FullName);
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=Matching key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            File.WriteAllBytes(secrets.CertificatePath, certificate.Export(X509ContentType.Pfx, secrets.CertificatePassword));
        }
        using (var audit = ECDsa.Create(ECCurve.NamedCurves.nistP256))
            File.WriteAllText(secrets.AuditKeyPath, audit.ExportPkcs8PrivateKeyPem());
        return secrets;
    }

    /// <summary>The service's settings for these secrets and a provider (configuration keys, `:` separated).</summary>
    public Dictionary<string, string> Settings(string authority, string clientId, string clientSecret) => new()
    {
        ["Auth:Authority"] = authority,
        ["Auth:ClientId"] = clientId,
        ["Auth:ClientSecret"] = clientSecret,
        // The provider runs on loopback http.
        ["Auth:RequireHttpsMetadata"] = "false",
        ["DataProtection:CertificatePath"] = CertificatePath,
        ["DataProtection:CertificatePassword"] = CertificatePassword,
        ["Audit:SigningKeyPath"] = AuditKeyPath
    };

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { /* the OS cleans its temp folder */ }
    }
}
