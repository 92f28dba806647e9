using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Matching.Service.Audit;
using Matching.Service.Referrals;
using Matching.Tests.Operability;
using Matching.Tests.Support;

namespace Matching.Tests.Audit;

/// <summary>The offline verifier: an export, the checkpoints and the public key, nothing else.</summary>
public class AuditVerifyCommandTests(AnchoredAppFixture app) : IClassFixture<AnchoredAppFixture>
{
    private Task<VerifierFiles> Saved() => app.SavedForTheVerifier();

    private static (int Exit, string Output, string Error) Verify(params string[] args) => AnchoringSupport.RunVerifier(args);

    private static (int Exit, string Output, string Error) Verify(VerifierFiles files) => Verify(files.Arguments);

    /// <summary>What is saved right after a checkpoint over a new referral.</summary>
    private async Task<VerifierFiles> SavedAfterACheckpoint()
    {
        await app.Host.SubmittedReferral();
        await app.Host.SignedCheckpoint();
        return await Saved();
    }

    /// <summary>An erased referral before the first checkpoint, and another referral between the two.</summary>
    private async Task<ScenarioReferral> TwoCheckpointsAndAnErasure()
    {
        var erased = await app.Host.SubmittedReferral(urgent: true).RiskAcknowledged().Triaged();
        await app.Host.SignedCheckpoint();
        (await app.Host.Post($"{erased.Url}/erasure", new { reason = "Approved by counsel." }, Tokens.Compliance)).Status.ShouldBe(HttpStatusCode.OK);
        var kept = await app.Host.SubmittedReferral().Triaged();
        await app.Host.SignedCheckpoint();
        return kept;
    }

    [Fact]
    public async Task an_export_and_its_checkpoints_verify_with_the_public_key_alone_after_an_erasure()
    {
        await TwoCheckpointsAndAnErasure();
        var files = await Saved();
        (await File.ReadAllTextAsync(files.Export)).ShouldContain("(erased)");
        // The masking after the first checkpoint leaves it holding in the service too: the chain covers digests, not values.
        var report = await app.Host.Integrity();
        report["verified"]!.GetValue<bool>().ShouldBeTrue(report.ToJsonString());
        report["checkpoint"].ShouldNotBeNull();

        var (exit, output, error) = Verify(files);

        exit.ShouldBe(0, output + error);
        output.ShouldStartWith("VERIFIED: ");
        output.ShouldContain($"with key {app.KeyId}");
        // Said plainly: the personal values beside the digests are the export's word only.
        output.ShouldContain("Not covered: personal values");
    }

    [Fact]
    public async Task a_kind_referral_or_summary_edited_in_the_export_fails_naming_its_entry()
    {
        var (_, triage, _) = await app.Host.TriagedBetweenTwoCheckpoints();
        var files = await Saved();
        var lines = await File.ReadAllLinesAsync(files.Export);
        var index = Array.FindIndex(lines, l => JsonNode.Parse(l)!["sequence"]!.GetValue<long>() == triage);
        var stream = JsonNode.Parse(lines[index])!["streamId"]!.GetValue<Guid>();

        foreach (var (field, value, says) in new (string, JsonNode?, string)[]
                 {
                     ("summary", JsonValue.Create("Triaged as urgent"), "summary"),
                     ("kind", JsonValue.Create("access"), "kind"),
                     ("referralId", JsonValue.Create(Guid.NewGuid()), "referral"),
                     ("referralId", null, "referral")
                 })
        {
            var edited = lines.ToArray();
            var line = JsonNode.Parse(edited[index])!;
            line[field] = value;
            edited[index] = line.ToJsonString();
            var export = Path.Combine(app.Folder, $"{Guid.NewGuid():N}.ndjson");
            await File.WriteAllLinesAsync(export, edited);

            var (exit, output, _) = Verify((files with { Export = export }).Arguments);

            exit.ShouldBe(1, output);
            output.ShouldStartWith($"NOT VERIFIED: entry {triage} (ReferralTriaged, stream {stream}): exported entry's {says} differs from its event.");
        }
    }

    [Fact]
    public async Task checkpoint_lists_saved_earlier_must_agree_with_the_one_saved_with_the_export()
    {
        // Given a list saved earlier, then another checkpoint, and the export with the current list
        await app.Host.SubmittedReferral();
        var older = await app.Host.SignedCheckpoint();
        var earlier = await Saved();
        await app.Host.SubmittedReferral();
        await app.Host.SignedCheckpoint();
        var files = await Saved();

        var current = JsonNode.Parse(await File.ReadAllTextAsync(files.Checkpoints))!;
        var saved = JsonNode.Parse(await File.ReadAllTextAsync(earlier.Checkpoints))!;
        // A list as the current one (the first --checkpoints), with the one saved earlier after it.
        async Task<(int Exit, string Output, string Path)> VerifiedWith(JsonNode list, string name)
        {
            var path = Path.Combine(app.Folder, $"{Guid.NewGuid():N}.{name}.json");
            await File.WriteAllTextAsync(path, list.ToJsonString());
            var (exit, output, _) = Verify("--export", files.Export, "--checkpoints", path, "--checkpoints", earlier.Checkpoints,
                "--public-key", files.PublicKey);
            return (exit, output, path);
        }
        JsonNode Without(long sequence, Action<JsonArray, JsonNode> change)
        {
            var list = current.DeepClone();
            var items = list["items"]!.AsArray();
            change(items, items.Single(i => i!["sequence"]!.GetValue<long>() == sequence)!);
            return list;
        }

        // They agree: given apart (the current one first), or the current one a page of the newest, or merged into one file
        Verify([.. files.Arguments, "--checkpoints", earlier.Checkpoints]).Exit.ShouldBe(0);
        using (var client = app.Host.Client(Tokens.Compliance))
        {
            var (pageExit, pageOutput, _) = await VerifiedWith(JsonNode.Parse(await client.GetStringAsync("/api/audit/checkpoints?limit=1"))!, "page");
            pageExit.ShouldBe(0, pageOutput);
        }
        var merged = Path.Combine(app.Folder, $"{Guid.NewGuid():N}.merged.json");
        await File.WriteAllTextAsync(merged, new JsonObject
        {
            ["items"] = new JsonArray([.. current["items"]!.AsArray().Concat(saved["items"]!.AsArray()).Select(i => i!.DeepClone())])
        }.ToJsonString());
        var (mergedExit, mergedOutput, _) = Verify("--export", files.Export, "--checkpoints", merged, "--public-key", files.PublicKey);
        mergedExit.ShouldBe(0, mergedOutput);

        // A checkpoint of the saved list missing from the current one fails
        var (missingExit, missing, trimmed) = await VerifiedWith(Without(older, (items, item) => items.Remove(item)), "trimmed");
        missingExit.ShouldBe(1, missing);
        missing.ShouldStartWith($"NOT VERIFIED: the checkpoint at sequence {older} in '{earlier.Checkpoints}' is missing from '{trimmed}'");

        // So does one that differs from it
        var (differsExit, differs, altered) = await VerifiedWith(Without(older, (_, item) => item["at"] = DateTimeOffset.UnixEpoch), "altered");
        differsExit.ShouldBe(1, differs);
        differs.ShouldStartWith($"NOT VERIFIED: the checkpoint at sequence {older} in '{earlier.Checkpoints}' differs from the one in '{altered}'");
    }

    [Fact]
    public async Task a_tampered_export_line_fails_naming_its_entry()
    {
        var kept = await TwoCheckpointsAndAnErasure();
        var files = await Saved();
        var triage = (await kept.Events()).Single(e => e.Data is ReferralTriaged).Sequence;
        var lines = await File.ReadAllLinesAsync(files.Export);
        var index = Array.FindIndex(lines, l => JsonNode.Parse(l)!["sequence"]!.GetValue<long>() == triage);
        var line = JsonNode.Parse(lines[index])!;
        line["data"]!["priority"] = "urgent";
        lines[index] = line.ToJsonString();
        await File.WriteAllLinesAsync(files.Export, lines);

        var (exit, output, _) = Verify(files);

        exit.ShouldBe(1, output);
        output.ShouldStartWith($"NOT VERIFIED: entry {triage} (ReferralTriaged, stream {kept.Id}): exported entry differs from its hash.");
    }

    [Fact]
    public async Task a_rewritten_export_with_its_hashes_recomputed_fails_at_the_first_entry_after_the_last_good_checkpoint()
    {
        var (first, triage, _) = await app.Host.TriagedBetweenTwoCheckpoints();
        var files = await Saved();

        // The line rewritten and every hash from it on recomputed, as someone who knows the algorithm but not the key would.
        var rows = (await File.ReadAllLinesAsync(files.Export)).Select(l => JsonSerializer.Deserialize<AuditExportRow>(l, AuditExport.Json)!).ToList();
        var canonical = new CanonicalWriter();
        var previous = "";
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (row.Sequence == triage)
            {
                var data = JsonNode.Parse(row.Data.GetRawText())!;
                data["priority"] = "urgent";
                row = row with { Data = JsonSerializer.SerializeToElement(data), Summary = "Triaged as urgent" };
            }
            var hash = canonical.Next(previous, canonical.Write(row.Sequence, row.StreamId, row.Type, row.TypeAlias, row.At, row.Actor,
                row.CorrelationId, row.CausationId, row.Data, row.Digests));
            rows[i] = row with { Hash = hash };
            previous = hash;
        }
        await File.WriteAllLinesAsync(files.Export, rows.Select(r => JsonSerializer.Serialize(r, AuditExport.Json)));

        var (exit, output, _) = Verify(files);

        exit.ShouldBe(1, output);
        output.ShouldStartWith($"NOT VERIFIED: entry {rows.First(r => r.Sequence > first).Sequence} ");
        output.ShouldContain("chain differs from the signed checkpoint at sequence");
    }

    [Fact]
    public async Task another_public_key_fails_the_checkpoints()
    {
        var files = await SavedAfterACheckpoint();
        using (var other = ECDsa.Create(ECCurve.NamedCurves.nistP256))
            await File.WriteAllTextAsync(files.PublicKey, other.ExportSubjectPublicKeyInfoPem());

        var (exit, output, _) = Verify(files);

        exit.ShouldBe(1, output);
        output.ShouldContain("NOT VERIFIED: ");
        output.ShouldContain($"is signed by key {app.KeyId}, not by key ");
    }

    [Fact]
    public async Task an_export_no_checkpoint_covers_is_not_verified()
    {
        await app.Host.SubmittedReferral();
        var files = await Saved();
        await File.WriteAllTextAsync(files.Checkpoints, """{"keyId": null, "publicKey": null, "items": []}""");

        var (exit, output, _) = Verify(files);

        exit.ShouldBe(1, output);
        output.ShouldContain("no signed checkpoint covers the export");
    }

    [Fact]
    public async Task bad_usage_exits_2_with_a_message()
    {
        var files = await SavedAfterACheckpoint();

        Verify().Exit.ShouldBe(2);
        Verify("--export", files.Export).Exit.ShouldBe(2);
        Verify("--export", files.Export, "--checkpoints", files.Checkpoints, "--public-key", files.PublicKey + ".missing").Error.ShouldContain("No file at");
        Verify("--export", files.Export, "--checkpoints", files.Export, "--public-key", files.PublicKey).Exit.ShouldBe(2);

        using (var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384))
            await File.WriteAllTextAsync(files.PublicKey, p384.ExportSubjectPublicKeyInfoPem());
        var (exit, _, error) = Verify(files);
        exit.ShouldBe(2);
        error.ShouldContain("only P-256");
    }

    [Fact]
    public async Task the_service_command_line_runs_the_verifier()
    {
        var files = await SavedAfterACheckpoint();

        var (exit, stdout, stderr) = await ServiceCommand.RunAsync(
            ["verify-audit", "--export", files.Export, "--checkpoints", files.Checkpoints, "--public-key", files.PublicKey]);

        exit.ShouldBe(0, stdout + stderr);
        stdout.ShouldStartWith("VERIFIED: ");
    }
}
