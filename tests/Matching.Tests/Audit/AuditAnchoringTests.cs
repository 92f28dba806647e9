using Matching.Tests.Support;

namespace Matching.Tests.Audit;

/// <summary>
/// What the signed checkpoints add: someone with SQL access but without the key rewrites an event and recomputes every
/// later hash, so the stored chain agrees with itself. Only a checkpoint signed before the rewrite can tell.
/// </summary>
public class AuditAnchoringTests(AnchoredAppFixture app) : IClassFixture<AnchoredAppFixture>
{
    [Fact]
    public async Task a_rewrite_with_every_later_hash_recomputed_fails_at_the_first_entry_after_the_last_good_checkpoint_and_passes_without_checkpoints()
    {
        // Given events and a checkpoint over them, then more events and a second checkpoint, then events not yet anchored
        var (first, triage, second) = await app.Host.TriagedBetweenTwoCheckpoints();
        triage.ShouldBeGreaterThan(first);
        triage.ShouldBeLessThan(second);
        await app.Host.ShouldVerify();

        // When the triage between the two checkpoints is rewritten, and the stored chain recomputed to agree with it
        await app.Host.RewrittenAndRehashed(triage, priority: "urgent");

        // Then the integrity check fails, naming the first entry after the first checkpoint: from there on nothing is vouched for
        var report = await app.Host.Integrity();
        report["verified"]!.GetValue<bool>().ShouldBeFalse(report.ToJsonString());
        var afterFirst = await app.Host.Scalar<long>("select min(id) from matching.mt_doc_auditentry where id > @first", ("first", first));
        var mismatch = report["firstMismatch"]!;
        mismatch["sequence"]!.GetValue<long>().ShouldBe(afterFirst);
        mismatch["reason"]!.GetValue<string>().ShouldBe($"chain differs from the signed checkpoint at sequence {second}");
        mismatch["type"]!.GetValue<string>().ShouldBe(await app.Host.Scalar<string>("select data->>'type' from matching.mt_doc_auditentry where id = @id", ("id", afterFirst)));
        mismatch["streamId"]!.GetValue<Guid>().ShouldBe(await app.Host.Scalar<Guid>("select stream_id from matching.mt_events where seq_id = @id", ("id", afterFirst)));
        report["checkpoint"]!["sequence"]!.GetValue<long>().ShouldBe(first);

        // And without the checkpoints the very same rewrite passes every other check: the anchor is what catches it
        await app.Host.Sql("delete from matching.mt_doc_auditcheckpoint");
        var unanchored = await app.Host.Integrity();
        unanchored["verified"]!.GetValue<bool>().ShouldBeTrue(unanchored.ToJsonString());
        unanchored["checkpoint"].ShouldBeNull();
    }
}
