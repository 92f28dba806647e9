namespace Matching.Service.Audit;

/// <summary>The latest checkpoint a chain was verified against.</summary>
public sealed record IntegrityCheckpoint(long Sequence, string Hash, DateTimeOffset At, string KeyId)
{
    public static IntegrityCheckpoint Of(AuditCheckpoint c) => new(c.Sequence, c.Hash, c.At, c.KeyId);
}

/// <summary>
/// Holds a recomputed chain against the signed checkpoints while it is walked in sequence order (by the integrity check
/// and by the offline verifier). At each checkpoint's sequence the checkpoint must name the key, its signature must hold,
/// its hash must equal the recomputed one, and it must follow the checkpoint before it as it was signed. A checkpoint that
/// fails names the first entry after the last one that held: everything from there on may have been rewritten.
/// </summary>
/// <param name="complete">
/// The checkpoints given are all there are (the integrity check reads every one from the database), so each must follow the one
/// before it, the first none. Otherwise (saved lists, pages of the newest) a checkpoint may follow one that no list holds.
/// </param>
public sealed class CheckpointWalk(AuditSigningKey key, bool complete)
{
    private readonly Queue<AuditCheckpoint> _pending = new();
    private long _expectedUpTo;
    private (long Sequence, string Type, Guid StreamId)? _firstAfterGood;

    public AuditCheckpoint? LastGood { get; private set; }

    public int Verified { get; private set; }

    /// <summary>Checkpoints past the last entry walked (the verifier's export ends before them).</summary>
    public int Beyond => _pending.Count;

    /// <summary>Checkpoints that follow one nobody gave (only when not <c>complete</c>): their links could not be checked.</summary>
    public int Unlinked { get; private set; }

    /// <summary>Adds checkpoints ahead of the walk, in ascending sequence.</summary>
    public void Expect(IEnumerable<AuditCheckpoint> checkpoints)
    {
        foreach (var checkpoint in checkpoints)
        {
            if (checkpoint.Sequence <= _expectedUpTo)
                throw new ArgumentException("Checkpoints must come in ascending sequence, each once.", nameof(checkpoints));
            _pending.Enqueue(checkpoint);
            _expectedUpTo = checkpoint.Sequence;
        }
    }

    /// <summary>The next entry of the chain with the hash recomputed up to it; a mismatch, or null while all holds.</summary>
    public IntegrityMismatch? Step(long sequence, string type, Guid streamId, string recomputedHash)
    {
        _firstAfterGood ??= (sequence, type, streamId);
        while (_pending.TryPeek(out var checkpoint) && checkpoint.Sequence <= sequence)
        {
            _pending.Dequeue();
            var reason = Disagreement(key, checkpoint, checkpoint.Sequence == sequence ? recomputedHash : null) ?? BrokenLink(checkpoint);
            if (reason is not null) return Mismatch(reason, checkpoint.Sequence);
            LastGood = checkpoint;
            Verified++;
            _firstAfterGood = null;
        }
        return null;
    }

    /// <summary>After the last entry: a checkpoint at or below <paramref name="upTo"/> that no entry reached is a mismatch.</summary>
    public IntegrityMismatch? Finish(long upTo) =>
        _pending.TryPeek(out var checkpoint) && checkpoint.Sequence <= upTo
            ? Mismatch(Disagreement(key, checkpoint, null)!, checkpoint.Sequence)
            : null;

    /// <summary>
    /// Why a checkpoint does not vouch for a chain whose hash at the checkpoint's sequence is <paramref name="hash"/> (null: no entry
    /// there), or null when it does: it must name the key, its signature must hold, and its hash must be that hash.
    /// </summary>
    public static string? Disagreement(AuditSigningKey key, AuditCheckpoint checkpoint, string? hash) =>
        SignatureProblem(key, checkpoint)
        ?? (hash is null ? $"no entry at the signed checkpoint's sequence {checkpoint.Sequence}"
            : checkpoint.Hash != hash ? $"chain differs from the signed checkpoint at sequence {checkpoint.Sequence}"
            : null);

    /// <summary>Why the checkpoint is not one the key signed (another key id, or a signature that doesn't hold), or null.</summary>
    public static string? SignatureProblem(AuditSigningKey key, AuditCheckpoint checkpoint) =>
        checkpoint.KeyId != key.KeyId ? $"the checkpoint at sequence {checkpoint.Sequence} is signed by key {checkpoint.KeyId}, not by key {key.KeyId}"
        : !key.Verifies(checkpoint) ? $"the signature of the checkpoint at sequence {checkpoint.Sequence} does not hold"
        : null;

    /// <summary>Whether the checkpoint follows the one before it (the last that held) as it was signed.</summary>
    private string? BrokenLink(AuditCheckpoint checkpoint)
    {
        var before = LastGood;
        if (checkpoint.PreviousSequence is not { } previous)
            return before is null ? null
                : $"the checkpoint at sequence {checkpoint.Sequence} was signed as the first, yet the one at sequence {before.Sequence} comes before it";
        if (before is not null && previous == before.Sequence)
            return checkpoint.PreviousSignatureDigest == AuditSigningKey.SignatureDigest(before.Signature) ? null
                : $"the checkpoint at sequence {before.Sequence} is not the one the checkpoint at sequence {checkpoint.Sequence} was signed after: its signature differs";
        if (before is not null && previous < before.Sequence)
            return $"the checkpoint at sequence {checkpoint.Sequence} was signed after the one at sequence {previous}, yet the one at sequence {before.Sequence} comes between them";
        if (complete) return $"the checkpoint at sequence {previous}, signed before the one at sequence {checkpoint.Sequence}, is missing";
        Unlinked++;
        return null;
    }

    private IntegrityMismatch Mismatch(string reason, long checkpointSequence) =>
        _firstAfterGood is { } first
            ? new IntegrityMismatch(first.Sequence, first.Type, first.StreamId, reason)
            : new IntegrityMismatch(checkpointSequence, "", Guid.Empty, reason);
}
