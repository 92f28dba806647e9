using System.Security.Cryptography;
using System.Text;
using Matching.Service.Audit;

namespace Matching.Tests.Audit;

/// <summary>Signing and checking checkpoints, and which keys are accepted: no database.</summary>
public class AuditSigningKeyTests
{
    private const string Hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static readonly DateTimeOffset At = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(-7)).AddTicks(1_234_560);

    private static ECDsa NewP256() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private static AuditSigningKey PrivateKey(ECDsa key) => AuditSigningKey.FromPem(key.ExportPkcs8PrivateKeyPem(), requirePrivateKey: true);

    private static AuditSigningKey PublicKey(ECDsa key) => AuditSigningKey.FromPem(key.ExportSubjectPublicKeyInfoPem(), requirePrivateKey: false);

    private static AuditCheckpoint Signed(AuditSigningKey key, long sequence = 42, string hash = Hash, AuditCheckpoint? previous = null) =>
        key.Sign(sequence, hash, At, previous);

    [Fact]
    public void a_checkpoint_signed_with_the_private_key_verifies_with_the_public_half_alone()
    {
        using var ecdsa = NewP256();
        using var signer = PrivateKey(ecdsa);
        using var verifier = PublicKey(ecdsa);

        var checkpoint = Signed(signer);

        verifier.HasPrivateKey.ShouldBeFalse();
        verifier.KeyId.ShouldBe(signer.KeyId);
        verifier.Verifies(checkpoint).ShouldBeTrue();
        Should.Throw<InvalidOperationException>(() => verifier.Sign(1, Hash, At, previous: null));
    }

    [Fact]
    public void the_signature_is_ieee_p1363_over_the_documented_text_with_the_time_in_utc_microseconds_and_the_previous_checkpoint()
    {
        using var ecdsa = NewP256();
        using var signer = PrivateKey(ecdsa);

        var first = Signed(signer, sequence: 17);
        var checkpoint = Signed(signer, previous: first);

        // The first follows none; each later one names the one before it and a digest of its signature.
        const string firstText = "matching-audit-checkpoint\n17\n" + Hash + "\n2026-03-02T16:00:00.123456Z\nnone\nnone";
        AuditSigningKey.SignedText(first).ShouldBe(firstText);
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(first.Signature)));
        var text = "matching-audit-checkpoint\n42\n" + Hash + "\n2026-03-02T16:00:00.123456Z\n17\n" + digest;
        AuditSigningKey.SignedText(checkpoint).ShouldBe(text);
        checkpoint.PreviousSequence.ShouldBe(17);
        checkpoint.PreviousSignatureDigest.ShouldBe(digest);
        AuditSigningKey.SignatureDigest(first.Signature).ShouldBe(digest);
        foreach (var (signed, signedText) in new[] { (first, firstText), (checkpoint, text) })
        {
            var signature = Convert.FromBase64String(signed.Signature);
            signature.Length.ShouldBe(64);
            // Checked with the platform's ECDSA directly, as any other verifier would.
            ecdsa.VerifyData(Encoding.UTF8.GetBytes(signedText), signature, HashAlgorithmName.SHA256,
                DSASignatureFormat.IeeeP1363FixedFieldConcatenation).ShouldBeTrue();
        }
    }

    [Fact]
    public void a_checkpoint_whose_sequence_hash_time_or_link_changed_no_longer_verifies()
    {
        using var ecdsa = NewP256();
        using var key = PrivateKey(ecdsa);
        var checkpoint = Signed(key, previous: Signed(key, sequence: 17));

        checkpoint.Sequence = 43;
        key.Verifies(checkpoint).ShouldBeFalse();
        checkpoint.Sequence = 42;
        checkpoint.Hash = Hash.Replace('9', '8');
        key.Verifies(checkpoint).ShouldBeFalse();
        checkpoint.Hash = Hash;
        checkpoint.At = At.AddTicks(10);
        key.Verifies(checkpoint).ShouldBeFalse();
        checkpoint.At = At;
        checkpoint.PreviousSequence = null;
        key.Verifies(checkpoint).ShouldBeFalse();
        checkpoint.PreviousSequence = 17;
        var digest = checkpoint.PreviousSignatureDigest;
        checkpoint.PreviousSignatureDigest = AuditSigningKey.SignatureDigest("another signature");
        key.Verifies(checkpoint).ShouldBeFalse();
        checkpoint.PreviousSignatureDigest = digest;
        key.Verifies(checkpoint).ShouldBeTrue();
    }

    [Fact]
    public void a_checkpoint_of_another_key_or_with_a_malformed_signature_does_not_verify()
    {
        using var ours = NewP256();
        using var theirs = NewP256();
        using var key = PrivateKey(ours);
        using var other = PrivateKey(theirs);

        key.Verifies(Signed(other)).ShouldBeFalse();
        // Another key's signature under our key id.
        var forged = Signed(other);
        forged.KeyId = key.KeyId;
        key.Verifies(forged).ShouldBeFalse();

        var checkpoint = Signed(key);
        foreach (var signature in new[] { "", "not base64!", Convert.ToBase64String(new byte[64]), Convert.ToBase64String(new byte[72]) })
        {
            checkpoint.Signature = signature;
            key.Verifies(checkpoint).ShouldBeFalse(signature);
        }
    }

    [Fact]
    public void the_key_id_is_lowercase_hex_of_the_first_16_bytes_of_sha256_over_the_subject_public_key_info()
    {
        using var ecdsa = NewP256();
        using var key = PrivateKey(ecdsa);

        var expected = string.Concat(SHA256.HashData(ecdsa.ExportSubjectPublicKeyInfo()).Take(16).Select(b => b.ToString("x2")));
        key.KeyId.ShouldBe(expected);
        key.KeyId.Length.ShouldBe(32);
        key.PublicKeyPem.ShouldBe(ecdsa.ExportSubjectPublicKeyInfoPem());
        // The SEC1 form of the same key is the same key.
        using var sec1 = AuditSigningKey.FromPem(ecdsa.ExportECPrivateKeyPem(), requirePrivateKey: true);
        sec1.KeyId.ShouldBe(expected);
    }

    public static TheoryData<string, string> RefusedKeys()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var rsa = RSA.Create(2048);
        using var p256 = NewP256();
        return new TheoryData<string, string>
        {
            { p384.ExportPkcs8PrivateKeyPem(), "only P-256" },
            { rsa.ExportPkcs8PrivateKeyPem(), "P-256" },
            { rsa.ExportRSAPrivateKeyPem(), "P-256" },
            { p256.ExportSubjectPublicKeyInfoPem(), "only a public key" },
            { p256.ExportEncryptedPkcs8PrivateKeyPem("secret", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000)), "unencrypted" },
            { "/etc/matching/audit-signing.pem", "P-256" }
        };
    }

    [Theory]
    [MemberData(nameof(RefusedKeys))]
    public void anything_but_an_unencrypted_p256_private_key_is_refused_with_a_clear_message(string pem, string says)
    {
        var refused = Should.Throw<InvalidOperationException>(() => AuditSigningKey.FromPem(pem, requirePrivateKey: true, "Audit:SigningKeyPath"));
        refused.Message.ShouldContain("Audit:SigningKeyPath");
        refused.Message.ShouldContain(says);
    }

    [Fact]
    public void a_missing_key_file_is_named()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-key-{Guid.NewGuid():N}.pem");
        Should.Throw<InvalidOperationException>(() => AuditSigningKey.Load(path)).Message.ShouldContain(path);
    }
}
