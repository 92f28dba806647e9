using System.Net;
using System.Security.Cryptography;
using System.Text;
using Matching.Service.Audit;
using Matching.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Matching.Tests.Audit;

/// <summary>Signing the chain's end on demand, listing the checkpoints, and the integrity check answering the one it held against.</summary>
public class AuditCheckpointsTests(AnchoredAppFixture app) : IClassFixture<AnchoredAppFixture>
{
    [Fact]
    public async Task signing_on_demand_signs_the_chain_end_and_answers_the_latest_while_the_end_has_not_moved()
    {
        await app.Host.SubmittedReferral().Triaged();
        var end = await app.Host.ChainEnd();

        var (created, checkpoint) = await app.Host.SignCheckpoint();

        created.ShouldBe(HttpStatusCode.Created, checkpoint?.ToJsonString());
        checkpoint!["sequence"]!.GetValue<long>().ShouldBe(end);
        checkpoint["hash"]!.GetValue<string>().ShouldBe(await app.Host.Scalar<string>("select data->>'hash' from matching.mt_doc_auditentry where id = @id", ("id", end)));
        checkpoint["keyId"]!.GetValue<string>().ShouldBe(app.KeyId);
        using var key = AuditSigningKey.FromPem(app.PublicKeyPem, requirePrivateKey: false);
        key.Verifies(checkpoint.ToCheckpoint()).ShouldBeTrue();

        var (again, latest) = await app.Host.SignCheckpoint();
        again.ShouldBe(HttpStatusCode.OK);
        latest!.ToJsonString().ShouldBe(checkpoint.ToJsonString());
    }

    [Fact]
    public async Task requests_at_once_sign_one_checkpoint_for_the_chain_end()
    {
        await app.Host.SubmittedReferral();
        await app.Host.AuditCaughtUp();

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => app.Host.Post("/api/audit/checkpoints", null, Tokens.Compliance)));

        answers.Count(a => a.Status == HttpStatusCode.Created).ShouldBe(1, string.Join(", ", answers.Select(a => a.Status)));
        answers.Where(a => a.Status != HttpStatusCode.Created).ShouldAllBe(a => a.Status == HttpStatusCode.OK);
        answers.Select(a => a.Body!["sequence"]!.GetValue<long>()).Distinct().ShouldHaveSingleItem();
    }

    [Fact]
    public async Task the_periodic_signer_skips_while_another_node_holds_the_lock()
    {
        await app.Host.SubmittedReferral();
        await app.Host.AuditCaughtUp();
        var key = app.Host.Services.GetRequiredService<AuditAnchor>().Key!;

        // Another node, signing: it holds the transaction-scoped advisory lock.
        await using var other = new NpgsqlConnection(app.ConnectionString);
        await other.OpenAsync();
        await using (var transaction = await other.BeginTransactionAsync())
        {
            await using (var take = new NpgsqlCommand($"select pg_advisory_xact_lock({AuditCheckpoints.LockId})", other, transaction))
                await take.ExecuteNonQueryAsync();

            var skipped = await AuditCheckpoints.SignAsync(app.Store, key, TimeProvider.System, NullLogger.Instance, waitForLock: false, CancellationToken.None);
            skipped.Outcome.ShouldBe(CheckpointOutcome.Busy);
            skipped.Checkpoint.ShouldBeNull();
            await transaction.RollbackAsync();
        }

        var signed = await AuditCheckpoints.SignAsync(app.Store, key, TimeProvider.System, NullLogger.Instance, waitForLock: false, CancellationToken.None);
        signed.Outcome.ShouldBe(CheckpointOutcome.Signed);
        signed.Checkpoint!.Sequence.ShouldBe(await app.Host.ChainEnd());
    }

    [Fact]
    public async Task checkpoints_are_listed_newest_first_with_the_key_id_and_the_public_key()
    {
        var (older, newer) = await app.Host.TwoCheckpointsInARow();

        var list = await app.Host.Checkpoints();

        list["keyId"]!.GetValue<string>().ShouldBe(app.KeyId);
        list["publicKey"]!.GetValue<string>().ShouldBe(app.PublicKeyPem);
        var items = list["items"]!.AsArray().Select(i => i!.ToCheckpoint()).ToList();
        items.Select(i => i.Sequence).ShouldBeInOrder(SortDirection.Descending);
        items.Take(2).Select(i => i.Sequence).ShouldBe([newer, older]);
        using var key = AuditSigningKey.FromPem(list["publicKey"]!.GetValue<string>(), requirePrivateKey: false);
        items.ShouldAllBe(i => key.Verifies(i));

        (await app.Host.Checkpoints("?limit=1"))["items"]!.AsArray().Single()!["sequence"]!.GetValue<long>().ShouldBe(newer);
        foreach (var limit in new[] { "0", "1001", "ten", "-1" })
        {
            var (status, problem) = await app.Host.Get($"/api/audit/checkpoints?limit={limit}", Tokens.Compliance);
            status.ShouldBe(HttpStatusCode.BadRequest, limit);
            problem!["errors"]!["limit"].ShouldNotBeNull();
        }
    }

    [Fact]
    public async Task integrity_answers_the_latest_checkpoint_it_held_the_chain_against()
    {
        await app.Host.SubmittedReferral().Triaged();
        var sequence = await app.Host.SignedCheckpoint();
        // Entries after the checkpoint are checked as before; they are just not anchored yet.
        await app.Host.SubmittedReferral();

        var report = await app.Host.Integrity();

        report["verified"]!.GetValue<bool>().ShouldBeTrue(report.ToJsonString());
        report["firstMismatch"].ShouldBeNull();
        report["checked"]!.GetValue<long>().ShouldBeGreaterThan(sequence - 1);
        var checkpoint = report["checkpoint"]!;
        checkpoint["sequence"]!.GetValue<long>().ShouldBe(sequence);
        checkpoint["keyId"]!.GetValue<string>().ShouldBe(app.KeyId);
        checkpoint["hash"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        checkpoint["at"].ShouldNotBeNull();
    }

    [Fact]
    public async Task each_checkpoint_names_the_one_signed_before_it_by_its_sequence_and_a_digest_of_its_signature()
    {
        var (older, newer) = await app.Host.TwoCheckpointsInARow();

        var items = (await app.Host.Checkpoints())["items"]!.AsArray();

        var before = items.Single(i => i!["sequence"]!.GetValue<long>() == older)!;
        var after = items.Single(i => i!["sequence"]!.GetValue<long>() == newer)!;
        after["previousSequence"]!.GetValue<long>().ShouldBe(older);
        after["previousSignatureDigest"]!.GetValue<string>()
            .ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(before["signature"]!.GetValue<string>()))));
        // The oldest follows none.
        var oldest = items.Last()!;
        oldest.AsObject().ContainsKey("previousSequence").ShouldBeTrue();
        oldest["previousSequence"].ShouldBeNull();
        oldest["previousSignatureDigest"].ShouldBeNull();
    }

    [Fact]
    public async Task a_checkpoint_written_past_the_chain_end_is_reported_as_pending_and_stops_signing_out_loud()
    {
        await app.Host.SubmittedReferral();
        var sequence = await app.Host.SignedCheckpoint();
        (await app.Host.Integrity())["pendingCheckpoints"]!.GetValue<int>().ShouldBe(0);

        // A checkpoint at a sequence the trail hasn't reached: as while the trail is rebuilt, or one written with SQL.
        var ahead = sequence + 1_000_000;
        await app.Host.Sql("""
            insert into matching.mt_doc_auditcheckpoint (id, data, mt_last_modified, mt_version, mt_dotnet_type)
            select @ahead, jsonb_set(data, '{sequence}', to_jsonb(@ahead)), mt_last_modified, mt_version, mt_dotnet_type
            from matching.mt_doc_auditcheckpoint where id = @id
            """, ("ahead", ahead), ("id", sequence));
        try
        {
            var report = await app.Host.Integrity();

            // What the trail has reached still verifies; the answer says what it has not checked yet.
            report["verified"]!.GetValue<bool>().ShouldBeTrue(report.ToJsonString());
            report["pendingCheckpoints"]!.GetValue<int>().ShouldBe(1, report.ToJsonString());
            report["checkpoint"]!["sequence"]!.GetValue<long>().ShouldBe(sequence);

            // Its signature doesn't hold (it signed another sequence): signing refuses rather than answer it as the latest.
            await app.Host.SubmittedReferral();
            var (status, problem) = await app.Host.SignCheckpoint();
            status.ShouldBe(HttpStatusCode.Conflict, problem?.ToJsonString());
            problem!["code"]!.GetValue<string>().ShouldBe("chainDisagrees");
            problem["detail"]!.GetValue<string>().ShouldContain($"the signature of the checkpoint at sequence {ahead} does not hold");
            app.Logs.Lines.ShouldContain(l => l.StartsWith("Critical ") && l.Contains($"sequence {ahead}"));
        }
        finally
        {
            await app.Host.Sql("delete from matching.mt_doc_auditcheckpoint where id = @ahead", ("ahead", ahead));
        }
    }

    [Fact]
    public async Task a_coordinator_can_neither_sign_nor_list_checkpoints()
    {
        (await app.Host.Post("/api/audit/checkpoints", null, Tokens.Coordinator)).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await app.Host.Get("/api/audit/checkpoints", Tokens.Coordinator)).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await app.Host.Post("/api/audit/checkpoints", null)).Status.ShouldBe(HttpStatusCode.Unauthorized);
    }
}

/// <summary>Without <c>Audit:SigningKeyPath</c> (Development, most tests) nothing is signed and nothing is claimed.</summary>
public class UnanchoredAuditTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task without_a_signing_key_no_checkpoint_is_signed_and_integrity_answers_none()
    {
        await app.Host.SubmittedReferral().Triaged();
        await app.Host.AuditCaughtUp();

        var (status, problem) = await app.Host.Post("/api/audit/checkpoints", null, Tokens.Compliance);
        status.ShouldBe(HttpStatusCode.Conflict, problem?.ToJsonString());
        problem!["code"]!.GetValue<string>().ShouldBe("noSigningKey");

        var list = await app.Host.Checkpoints();
        list["keyId"].ShouldBeNull();
        list["publicKey"].ShouldBeNull();
        list["items"]!.AsArray().ShouldBeEmpty();

        var report = await app.Host.Integrity();
        report["verified"]!.GetValue<bool>().ShouldBeTrue();
        report.AsObject().ContainsKey("checkpoint").ShouldBeTrue();
        report["checkpoint"].ShouldBeNull();
    }
}
