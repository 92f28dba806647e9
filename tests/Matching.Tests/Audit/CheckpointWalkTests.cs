using System.Security.Cryptography;
using Matching.Service.Audit;

namespace Matching.Tests.Audit;

/// <summary>Holding a walked chain against signed checkpoints, without a database: what the integrity check and the verifier share.</summary>
public class CheckpointWalkTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 16, 0, 0, TimeSpan.Zero);
    private readonly AuditSigningKey _key = AuditSigningKey.FromPem(ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportPkcs8PrivateKeyPem(), true);

    private AuditCheckpoint? _last;

    /// <summary>A checkpoint signed after the one made before it (the first follows none).</summary>
    private AuditCheckpoint Checkpoint(long sequence, string hash, AuditSigningKey? by = null) =>
        _last = (by ?? _key).Sign(sequence, hash, At, previous: _last);

    private static string Hash(long sequence) => $"hash-{sequence}";

    /// <summary>Walks entries 1..10 (or those given), each entry's type naming its sequence; the first mismatch, if any.</summary>
    private static IntegrityMismatch? Walk(CheckpointWalk walk, IEnumerable<long>? sequences = null, Func<long, string>? hash = null)
    {
        foreach (var sequence in sequences ?? Enumerable.Range(1, 10).Select(i => (long)i))
        {
            if (walk.Step(sequence, $"Event{sequence}", Guid.Empty, (hash ?? Hash)(sequence)) is { } mismatch) return mismatch;
        }
        return walk.Finish(10);
    }

    [Fact]
    public void a_chain_that_agrees_with_every_checkpoint_holds_up_to_the_latest()
    {
        var walk = new CheckpointWalk(_key, complete: true);
        walk.Expect([Checkpoint(3, Hash(3)), Checkpoint(7, Hash(7)), Checkpoint(12, Hash(12))]);

        Walk(walk).ShouldBeNull();

        walk.Verified.ShouldBe(2);
        walk.LastGood!.Sequence.ShouldBe(7);
        walk.Beyond.ShouldBe(1);
    }

    [Fact]
    public void a_chain_that_differs_at_a_checkpoint_fails_at_the_first_entry_after_the_last_good_one()
    {
        var walk = new CheckpointWalk(_key, complete: true);
        walk.Expect([Checkpoint(3, Hash(3)), Checkpoint(7, Hash(7))]);

        // Rewritten from entry 5: every hash from there on is recomputed, self-consistent, and different.
        var mismatch = Walk(walk, hash: s => s < 5 ? Hash(s) : $"rewritten-{s}");

        mismatch.ShouldBe(new IntegrityMismatch(4, "Event4", Guid.Empty, "chain differs from the signed checkpoint at sequence 7"));
        walk.LastGood!.Sequence.ShouldBe(3);
    }

    [Fact]
    public void a_checkpoint_with_no_entry_at_its_sequence_is_a_mismatch()
    {
        var walk = new CheckpointWalk(_key, complete: true);
        walk.Expect([Checkpoint(3, Hash(3)), Checkpoint(7, Hash(7))]);

        Walk(walk, sequences: new long[] { 1, 2, 3, 4, 5, 6, 8, 9, 10 })!.Reason.ShouldBe("no entry at the signed checkpoint's sequence 7");

        _last = null;
        var tail = new CheckpointWalk(_key, complete: true);
        tail.Expect([Checkpoint(3, Hash(3)), Checkpoint(10, Hash(10))]);
        var mismatch = Walk(tail, sequences: Enumerable.Range(1, 9).Select(i => (long)i));
        mismatch.ShouldBe(new IntegrityMismatch(4, "Event4", Guid.Empty, "no entry at the signed checkpoint's sequence 10"));
    }

    [Fact]
    public void a_forged_or_foreign_checkpoint_is_a_mismatch_even_when_its_hash_agrees()
    {
        using var other = AuditSigningKey.FromPem(ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportPkcs8PrivateKeyPem(), true);
        var three = Checkpoint(3, Hash(3));
        var foreign = new CheckpointWalk(_key, complete: true);
        foreign.Expect([three, Checkpoint(7, Hash(7), by: other)]);
        Walk(foreign)!.Reason.ShouldBe($"the checkpoint at sequence 7 is signed by key {other.KeyId}, not by key {_key.KeyId}");

        _last = three;
        var forged = Checkpoint(7, Hash(7), by: other);
        forged.KeyId = _key.KeyId;
        var walk = new CheckpointWalk(_key, complete: true);
        walk.Expect([three, forged]);
        Walk(walk).ShouldBe(new IntegrityMismatch(4, "Event4", Guid.Empty, "the signature of the checkpoint at sequence 7 does not hold"));
    }

    [Fact]
    public void each_checkpoint_must_follow_the_one_signed_before_it()
    {
        var (three, five, seven) = (Checkpoint(3, Hash(3)), Checkpoint(5, Hash(5)), Checkpoint(7, Hash(7)));
        Walk(Walked(three, five, seven)).ShouldBeNull();

        // One deleted between two others: the later one names it.
        Walk(Walked(three, seven)).ShouldBe(new IntegrityMismatch(4, "Event4", Guid.Empty,
            "the checkpoint at sequence 5, signed before the one at sequence 7, is missing"));
        // The first deleted: the next one names it.
        Walk(Walked(five, seven))!.Reason.ShouldBe("the checkpoint at sequence 3, signed before the one at sequence 5, is missing");

        // One replaced by another signing of the same end: the next one was signed after the old one.
        _last = three;
        var resigned = Checkpoint(5, Hash(5));
        Walk(Walked(three, resigned, seven))!.Reason
            .ShouldBe("the checkpoint at sequence 5 is not the one the checkpoint at sequence 7 was signed after: its signature differs");

        // Signed again over what is left after a deletion: it follows an older one than the list holds before it.
        _last = three;
        var over = Checkpoint(7, Hash(7));
        Walk(Walked(three, five, over))!.Reason
            .ShouldBe("the checkpoint at sequence 7 was signed after the one at sequence 3, yet the one at sequence 5 comes between them");
        _last = null;
        var fresh = Checkpoint(7, Hash(7));
        Walk(Walked(three, five, fresh))!.Reason
            .ShouldBe("the checkpoint at sequence 7 was signed as the first, yet the one at sequence 5 comes before it");
    }

    [Fact]
    public void saved_lists_may_begin_after_a_checkpoint_they_do_not_hold_but_may_not_skip_one_between_those_they_do()
    {
        var (three, five, seven) = (Checkpoint(3, Hash(3)), Checkpoint(5, Hash(5)), Checkpoint(7, Hash(7)));

        var page = new CheckpointWalk(_key, complete: false);
        page.Expect([five, seven]);
        Walk(page).ShouldBeNull();
        page.Unlinked.ShouldBe(1);

        var gap = new CheckpointWalk(_key, complete: false);
        gap.Expect([three, seven]);
        Walk(gap).ShouldBeNull();
        gap.Unlinked.ShouldBe(1);

        _last = three;
        var over = Checkpoint(7, Hash(7));
        var resigned = new CheckpointWalk(_key, complete: false);
        resigned.Expect([three, five, over]);
        Walk(resigned)!.Reason.ShouldBe("the checkpoint at sequence 7 was signed after the one at sequence 3, yet the one at sequence 5 comes between them");
    }

    private CheckpointWalk Walked(params AuditCheckpoint[] checkpoints)
    {
        var walk = new CheckpointWalk(_key, complete: true);
        walk.Expect(checkpoints);
        return walk;
    }

    public void Dispose() => _key.Dispose();
}
