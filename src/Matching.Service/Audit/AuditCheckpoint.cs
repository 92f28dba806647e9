namespace Matching.Service.Audit;

/// <summary>
/// A signed statement that the audit chain ended at <see cref="Sequence"/> with <see cref="Hash"/> at <see cref="At"/>
/// (see <see cref="AuditSigningKey.SignedText"/>). Keyed by the sequence: one checkpoint per chain end.
/// </summary>
public sealed class AuditCheckpoint
{
    public long Sequence { get; set; }
    public string Hash { get; set; } = "";
    public DateTimeOffset At { get; set; }
    /// <summary>Base64 of the IEEE P1363 ECDSA P-256 signature.</summary>
    public string Signature { get; set; } = "";
    public string KeyId { get; set; } = "";
}
