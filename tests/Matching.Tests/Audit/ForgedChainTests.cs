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
