using System.Security.Cryptography;
using System.Text;

namespace Matching.Service.Audit;

/// <summary>
/// The ECDSA P-256 key that signs audit checkpoints (its private half, in the service) or checks them (its public
/// half alone, in the verifier). P-256 only: .NET has no built-in Ed25519, and one curve keeps verifiers simple.
/// </summary>
public sealed class AuditSigningKey : IDisposable
{
    /// <summary>The first line of every signed text: a signature over it can't be taken for one over anything else.</summary>
    public const string Purpose = "matching-audit-checkpoint";

    private const string P256Oid = "1.2.840.10045.3.1.7";
    private readonly ECDsa _key;
    // An ECDsa object isn't documented as safe for concurrent use: signing and checks share it one at a time.
    private readonly Lock _gate = new();

    private AuditSigningKey(ECDsa key, bool hasPrivateKey)
    {
        _key = key;
        HasPrivateKey = hasPrivateKey;
        var publicKeyInfo = key.ExportSubjectPublicKeyInfo();
        KeyId = Convert.ToHexStringLower(SHA256.HashData(publicKeyInfo).AsSpan(0, 16));
        PublicKeyPem = key.ExportSubjectPublicKeyInfoPem();
    }

    /// <summary>Lowercase hex of the first 16 bytes of SHA-256 over the public key's SubjectPublicKeyInfo (DER).</summary>
    public string KeyId { get; }

    /// <summary>The public half as PEM ("PUBLIC KEY", SubjectPublicKeyInfo): all a verifier needs.</summary>
    public string PublicKeyPem { get; }

    public bool HasPrivateKey { get; }

    /// <summary>Reads the private key from a PEM file; refuses anything but an unencrypted P-256 private key, saying why.</summary>
    public static AuditSigningKey Load(string path, string setting = "Audit:SigningKeyPath")
    {
        if (!File.Exists(path)) throw new InvalidOperationException($"{setting}: no file at '{path}'.");
        return FromPem(File.ReadAllText(path), requirePrivateKey: true, $"{setting} ('{path}')");
    }

    /// <summary>A key from PEM text: a private key to sign with, or (when not required) a public key to check with.</summary>
    public static AuditSigningKey FromPem(string pem, bool requirePrivateKey, string source = "the key")
    {
        var expected = requirePrivateKey
            ? "an unencrypted ECDSA P-256 private key in PEM (PKCS#8 \"PRIVATE KEY\" or \"EC PRIVATE KEY\")"
            : "an ECDSA P-256 key in PEM (\"PUBLIC KEY\", or a private key)";
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidOperationException(
                $"{source} must hold {expected}: {e.Message} Only P-256 is accepted (.NET has no built-in Ed25519).", e);
        }

        var curve = key.ExportParameters(false).Curve;
        if (!curve.IsNamed || curve.Oid.Value != P256Oid)
        {
            var name = curve.IsNamed ? curve.Oid.FriendlyName ?? curve.Oid.Value : "an explicit curve";
            key.Dispose();
            throw new InvalidOperationException($"{source} is an ECDSA key on {name}: only P-256 (nistP256, prime256v1) is accepted.");
        }

        var hasPrivateKey = HoldsPrivateKey(key);
        if (requirePrivateKey && !hasPrivateKey)
        {
            key.Dispose();
            throw new InvalidOperationException($"{source} holds only a public key: signing needs {expected}.");
        }
        return new AuditSigningKey(key, hasPrivateKey);
    }

    /// <summary>What the signed text holds in place of the previous checkpoint, for the first one.</summary>
    public const string None = "none";

    /// <summary>
    /// What a checkpoint signs, as UTF-8, one item per line and no line break at the end: the purpose, the entry's sequence, its
    /// chain hash, the time of signing (<see cref="AuditChain.Instant"/>), then the checkpoint signed before it: its sequence and
    /// its <see cref="SignatureDigest"/> (<see cref="None"/> on both lines for the first). The link makes the checkpoints a chain
    /// of their own: one removed or replaced between two others shows.
    /// </summary>
    public static string SignedText(AuditCheckpoint checkpoint) => string.Join('\n',
        Purpose, Number(checkpoint.Sequence), checkpoint.Hash ?? "", AuditChain.Instant(checkpoint.At),
        checkpoint.PreviousSequence is { } previous ? Number(previous) : None, checkpoint.PreviousSignatureDigest ?? None);

    /// <summary>Lowercase hex of SHA-256 over a signature's base64 text (ASCII), as the next checkpoint names it.</summary>
    public static string SignatureDigest(string signature) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(signature ?? "")));

    /// <summary>
    /// A checkpoint of the chain's end at <paramref name="sequence"/>, signed after <paramref name="previous"/> (null: the first):
    /// ECDSA P-256 with SHA-256 over <see cref="SignedText"/>, IEEE P1363 (r || s, 64 bytes), base64.
    /// </summary>
    public AuditCheckpoint Sign(long sequence, string hash, DateTimeOffset at, AuditCheckpoint? previous)
    {
        if (!HasPrivateKey) throw new InvalidOperationException("A public key can't sign.");
        var checkpoint = new AuditCheckpoint
        {
            Sequence = sequence, Hash = hash, At = at, KeyId = KeyId,
            PreviousSequence = previous?.Sequence, PreviousSignatureDigest = previous is null ? null : SignatureDigest(previous.Signature)
        };
        var text = Encoding.UTF8.GetBytes(SignedText(checkpoint));
        lock (_gate)
        {
            checkpoint.Signature = Convert.ToBase64String(
                _key.SignData(text, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        }
        return checkpoint;
    }

    /// <summary>True when the checkpoint names this key and its signature holds over its signed text.</summary>
    public bool Verifies(AuditCheckpoint checkpoint)
    {
        if (checkpoint.KeyId != KeyId) return false;
        var signature = new byte[64];
        if (!Convert.TryFromBase64String(checkpoint.Signature ?? "", signature, out var length) || length != signature.Length) return false;
        var text = Encoding.UTF8.GetBytes(SignedText(checkpoint));
        lock (_gate)
        {
            return _key.VerifyData(text, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
    }

    private static string Number(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static bool HoldsPrivateKey(ECDsa key)
    {
        try
        {
            return key.ExportParameters(true).D is { Length: > 0 };
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public void Dispose() => _key.Dispose();
}
