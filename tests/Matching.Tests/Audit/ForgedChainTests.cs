using System.Net;
using Marten;
using Matching.Tests.Support;

namespace Matching.Tests.Audit;

// Someone with SQL access but without the key rewrites an event and its audit entry, recomputes every later stored hash and
// deletes checkpoints, then waits for the service to sign the forged chain's end. One class (one database) per scenario: each
// leaves its trail forged.

/// <summary>Signing on demand over a chain that disagrees with a checkpoint still stored.</summary>
public class SigningOnDemandOverAForgedChainTests(AnchoredAppFixture app) : IClassFixture<AnchoredAppFixture>
{
    [Fact]
    public async Task signing_on_demand_refuses_with_409_while_the_latest_checkpoint_disagrees_with_the_stored_chain()
    {
        // Given a rewrite between two checkpoints, with the checkpoints after the second deleted
        var (first, second) = await app.Host.ForgedBelowASignedCheckpoint();

        // Then signing refuses, naming the checkpoint the stored chain no longer agrees with, and says so at Critical
        var (status, problem) = await app.Host.SignCheckpoint();
        status.ShouldBe(HttpStatusCode.Conflict, problem?.ToJsonString());
        problem!["code"]!.GetValue<string>().ShouldBe("chainDisagrees");
        problem["detail"]!.GetValue<string>().ShouldContain($"chain differs from the signed checkpoint at sequence {second}");
        (await app.Host.StoredCheckpoints()).Select(c => c.Sequence).ShouldBe([first, second]);
        app.Logs.Lines.ShouldContain(l => l.StartsWith("Critical ") && l.Contains($"sequence {second}"));

        // And giving the checkpoint the forged hash doesn't help: its signature no longer holds
        var forged = await app.Host.Scalar<string>("select data->>'hash' from matching.mt_doc_auditentry where id = @id", ("id", second));
        await app.Host.Sql("update matching.mt_doc_auditcheckpoint set data = jsonb_set(data, '{hash}', to_jsonb(@hash::text)) where id = @id",
            ("id", second), ("hash", forged!));
        (status, problem) = await app.Host.SignCheckpoint();
        status.ShouldBe(HttpStatusCode.Conflict, problem?.ToJsonString());
        problem!["detail"]!.GetValue<string>().ShouldContain($"the signature of the checkpoint at sequence {second} does not hold");
        (await app.Host.StoredCheckpoints()).Select(c => c.Sequence).ShouldBe([first, second]);
    }
}

/// <summary>The periodic signer over the same forgery.</summary>
public class PeriodicSigningOverAForgedChainTests(ClockedAnchoredAppFixture app) : IClassFixture<ClockedAnchoredAppFixture>
{
    [Fact]
    public async Task the_periodic_signer_signs_nothing_and_logs_critical_while_the_latest_checkpoint_disagrees()
    {
        var (first, second) = await app.Host.ForgedBelowASignedCheckpoint();

        await app.OneIntervalLater();

        (await app.Host.StoredCheckpoints()).Select(c => c.Sequence).ShouldBe([first, second]);
        app.Logs.Lines.ShouldContain(l => l.StartsWith("Critical ") && l.Contains($"sequence {second}"));
    }
}

/// <summary>
/// Every checkpoint from the rewrite on deleted: the latest left agrees, so the service signs again. What remains, as ADR 0020
/// says: only a checkpoint list saved outside the database (or the log) shows it.
/// </summary>
public class DeletedCheckpointTailTests(AnchoredAppFixture app) : IClassFixture<AnchoredAppFixture>
{
    [Fact]
    public async Task a_forgery_signed_after_the_checkpoints_over_it_were_deleted_is_caught_against_a_list_saved_earlier_and_the_log()
    {
        // Given a triage between two checkpoints, and what compliance saved then
        var (first, triage, second) = await app.Host.TriagedBetweenTwoCheckpoints();
        var saved = await app.SavedForTheVerifier();
        var signed = (await app.Host.StoredCheckpoints()).Single(c => c.Sequence == second);

        // When the triage is rewritten, every later hash recomputed, every checkpoint from the rewrite on deleted, and the service signs
        await app.Host.RewrittenAndRehashed(triage, priority: "urgent");
        await app.Host.Sql("delete from matching.mt_doc_auditcheckpoint where id >= @triage", ("triage", triage));
        await app.Host.SubmittedReferral();
        await app.Host.SignedCheckpoint();

        // Then the database alone can't tell: the new checkpoint follows the first, the one left
        var report = await app.Host.Integrity();
        report["verified"]!.GetValue<bool>().ShouldBeTrue(report.ToJsonString());

        // But the list saved earlier does: the chain differs from its second checkpoint, which the current list lacks
        var now = await app.SavedForTheVerifier();
        var (exit, output, error) = AnchoringSupport.RunVerifier([.. now.Arguments, "--checkpoints", saved.Checkpoints]);
        exit.ShouldBe(1, output + error);
        var afterFirst = await app.Host.Scalar<long>("select min(id) from matching.mt_doc_auditentry where id > @first", ("first", first));
        output.ShouldStartWith($"NOT VERIFIED: entry {afterFirst} ");
        output.ShouldContain($"chain differs from the signed checkpoint at sequence {second}");
        output.ShouldContain($"the checkpoint at sequence {second} in '{saved.Checkpoints}' is missing from '{now.Checkpoints}'");

        // And so does the log, where the second checkpoint was written when it was signed
        app.Logs.Lines.ShouldContain(l => l.StartsWith("Information ") && l.Contains($"sequence {second}")
                                          && l.Contains(signed.Hash) && l.Contains(signed.Signature));
    }
}

/// <summary>Checkpoints removed from the middle of the list: each names the one signed before it.</summary>
public class DeletedMiddleCheckpointTests(AnchoredAppFixture app) : IClassFixture<AnchoredAppFixture>
{
    [Fact]
    public async Task a_checkpoint_deleted_before_a_later_one_fails_integrity_naming_the_break()
    {
        var (first, _, second) = await app.Host.TriagedBetweenTwoCheckpoints();
        var third = await app.Host.SignedCheckpoint();
        await app.Host.ShouldVerify();
        var stored = await app.Host.StoredCheckpoints();
        var afterFirst = await app.Host.Scalar<long>("select min(id) from matching.mt_doc_auditentry where id > @first", ("first", first));

        // The second deleted: the third was signed after it
        await app.Host.Sql("delete from matching.mt_doc_auditcheckpoint where id = @id", ("id", second));
        var report = await app.Host.Integrity();
        report["verified"]!.GetValue<bool>().ShouldBeFalse(report.ToJsonString());
        report["firstMismatch"]!["reason"]!.GetValue<string>()
            .ShouldBe($"the checkpoint at sequence {second}, signed before the one at sequence {third}, is missing");
        report["firstMismatch"]!["sequence"]!.GetValue<long>().ShouldBe(afterFirst);
        report["checkpoint"]!["sequence"]!.GetValue<long>().ShouldBe(first);

        // Put back, it holds again
        await using (var session = app.Store.LightweightSession())
        {
            session.Store(stored.Single(c => c.Sequence == second));
            await session.SaveChangesAsync();
        }
        await app.Host.ShouldVerify();

        // The first deleted: the second was signed after it
        await app.Host.Sql("delete from matching.mt_doc_auditcheckpoint where id = @id", ("id", first));
        var withoutFirst = await app.Host.Integrity();
        withoutFirst["verified"]!.GetValue<bool>().ShouldBeFalse(withoutFirst.ToJsonString());
        withoutFirst["firstMismatch"]!["reason"]!.GetValue<string>()
            .ShouldBe($"the checkpoint at sequence {first}, signed before the one at sequence {second}, is missing");
        withoutFirst["checkpoint"].ShouldBeNull();
    }
}
