namespace Matching.Service.Audit;

/// <summary>The latest checkpoint a chain was verified against.</summary>
public sealed record IntegrityCheckpoint(long Sequence, string Hash, DateTimeOffset At, string KeyId)
{
    public static IntegrityCheckpoint Of(AuditCheckpoint c) => new(c.Sequence, c.Hash, c.At, c.KeyId);
}

/// <summary>
/// Holds a recomputed chain against the signed checkpoints while it is walked in sequence order (by the integrity check
/// and by the offline verifier). At each checkpoint's sequence the checkpoint must name the key, its signature must hold
/// and its hash must equal the recomputed one. A checkpoint that fails names the first entry after the last one that held:
/// everything from there on may have been rewritten.
/// </summary>
public sealed class CheckpointWalk(AuditSigningKey key)
{
    private readonly Queue<AuditCheckpoint> _pending = new();
    private long _expectedUpTo;
    private (long Sequence, string Type, Guid StreamId)? _firstAfterGood;

    public AuditCheckpoint? LastGood { get; private set; }

    public int Verified { get; private set; }

    /// <summary>Checkpoints past the last entry walked (the verifier's export ends before them).</summary>
    public int Beyond => _pending.Count;

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
            var reason = checkpoint.Sequence < sequence ? $"no entry at the signed checkpoint's sequence {checkpoint.Sequence}"
                : Problem(checkpoint) is { } problem ? problem
                : checkpoint.Hash != recomputedHash ? $"chain differs from the signed checkpoint at sequence {checkpoint.Sequence}"
                : null;
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
            ? Mismatch($"no entry at the signed checkpoint's sequence {checkpoint.Sequence}", checkpoint.Sequence)
            : null;

    private string? Problem(AuditCheckpoint checkpoint) =>
        checkpoint.KeyId != key.KeyId ? $"the checkpoint at sequence {checkpoint.Sequence} is signed by key {checkpoint.KeyId}, not by key {key.KeyId}"
        : !key.Verifies(checkpoint) ? $"the signature of the checkpoint at sequence {checkpoint.Sequence} does not hold"
        : null;

    private IntegrityMismatch Mismatch(string reason, long checkpointSequence) =>
        _firstAfterGood is { } first
            ? new IntegrityMismatch(first.Sequence, first.Type, first.StreamId, reason)
            : new IntegrityMismatch(checkpointSequence, "", Guid.Empty, reason);
}
