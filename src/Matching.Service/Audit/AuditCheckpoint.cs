namespace Matching.Service.Audit;

/// <summary>
/// A signed statement that the audit chain ended at <see cref="Sequence"/> with <see cref="Hash"/> at <see cref="At"/>, signed
/// after the checkpoint it names (see <see cref="AuditSigningKey.SignedText"/>). Keyed by the sequence: one checkpoint per chain end.
/// </summary>
public sealed class AuditCheckpoint
{
    public long Sequence { get; set; }
    public string Hash { get; set; } = "";
    public DateTimeOffset At { get; set; }
    /// <summary>Base64 of the IEEE P1363 ECDSA P-256 signature.</summary>
    public string Signature { get; set; } = "";
    public string KeyId { get; set; } = "";
    /// <summary>The sequence of the checkpoint signed just before this one; null for the first.</summary>
    public long? PreviousSequence { get; set; }
    /// <summary>That checkpoint's <see cref="AuditSigningKey.SignatureDigest"/>; null for the first.</summary>
    public string? PreviousSignatureDigest { get; set; }
}
