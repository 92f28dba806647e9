using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Alba;
using Marten;
using Matching.Service.Audit;
using Matching.Service.Referrals;
using Matching.Tests.Operability;
using Matching.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Matching.Tests.Audit;

/// <summary>
/// The service with an audit signing key in a PEM file of its own (read at start-up, deleted with the fixture), an
/// interval long enough that only the test signs checkpoints, and every log line it writes kept.
/// </summary>
public class AnchoredAppFixture : AppFixture, IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("matching-audit-key-").FullName;

    public AnchoredAppFixture()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        KeyPath = Path.Combine(_folder, "audit-signing.pem");
        File.WriteAllText(KeyPath, key.ExportPkcs8PrivateKeyPem());
        PublicKeyPem = key.ExportSubjectPublicKeyInfoPem();
        KeyId = Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo())[..16]);
    }

    public string KeyPath { get; }
    public string PublicKeyPem { get; }
    public string KeyId { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>A scratch folder deleted with the fixture (exports, checkpoint lists, other keys).</summary>
    public string Folder => _folder;

    protected virtual string CheckpointInterval => "24:00:00";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Audit:SigningKeyPath"] = KeyPath,
        ["Audit:CheckpointInterval"] = CheckpointInterval
    };

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Logs);

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>An anchored service on a clock the test moves, signing every five minutes of that clock.</summary>
public sealed class ClockedAnchoredAppFixture : AnchoredAppFixture
{
    // Starts at the real time so the tokens minted for the test stay valid.
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override string CheckpointInterval => "00:05:00";

    protected override void ConfigureServices(IServiceCollection services)
    {
        base.ConfigureServices(services);
        services.AddSingleton<TimeProvider>(Clock);
    }

    private AuditCheckpointTimer Timer => Host.Services.GetServices<IHostedService>().OfType<AuditCheckpointTimer>().Single();

    /// <summary>Moves the clock one interval on and waits until the signer has handled that tick.</summary>
    public async Task OneIntervalLater()
    {
        var runs = Timer.Runs;
        Clock.Advance(TimeSpan.FromMinutes(5));
        var waited = Stopwatch.StartNew();
        while (Timer.Runs == runs)
        {
            waited.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30), "the periodic signer did not run");
            await Task.Delay(50);
        }
    }
}

/// <summary>What compliance saves for the offline verifier: the whole trail as NDJSON, the checkpoints' answer, the public key.</summary>
public sealed record VerifierFiles(string Export, string Checkpoints, string PublicKey)
{
    public string[] Arguments => ["--export", Export, "--checkpoints", Checkpoints, "--public-key", PublicKey];
}

/// <summary>The sequences of the first checkpoint, the triage after it and the second checkpoint.</summary>
public sealed record TriageBetweenCheckpoints(long First, long Triage, long Second);

public static class AnchoringSupport
{
    /// <summary>Signs the chain's end on demand once the trail has caught up; answers the status and the checkpoint.</summary>
    public static async Task<(HttpStatusCode Status, JsonNode? Checkpoint)> SignCheckpoint(this IAlbaHost host)
    {
        await host.AuditCaughtUp();
        return await host.Post("/api/audit/checkpoints", null, Tokens.Compliance);
    }

    /// <summary>A new checkpoint over everything so far: its sequence.</summary>
    public static async Task<long> SignedCheckpoint(this IAlbaHost host)
    {
        var (status, checkpoint) = await host.SignCheckpoint();
        status.ShouldBe(HttpStatusCode.Created, checkpoint?.ToJsonString());
        return checkpoint!["sequence"]!.GetValue<long>();
    }

    /// <summary>
    /// A referral triaged between two checkpoints, with entries after the first before the triage, between the triage and the
    /// second checkpoint, and after it (not yet anchored): where a rewrite that recomputes every later hash would go.
    /// </summary>
    public static async Task<TriageBetweenCheckpoints> TriagedBetweenTwoCheckpoints(this IAlbaHost host)
    {
        await host.SubmittedReferral().Triaged();
        var first = await host.SignedCheckpoint();
        var later = await host.SubmittedReferral().Triaged();
        await host.SubmittedReferral();
        var second = await host.SignedCheckpoint();
        await host.SubmittedReferral().Triaged();
        var triage = (await later.Events()).Single(e => e.Data is ReferralTriaged).Sequence;
        return new TriageBetweenCheckpoints(first, triage, second);
    }

    /// <summary>Two checkpoints in a row, each over a new referral.</summary>
    public static async Task<(long Older, long Newer)> TwoCheckpointsInARow(this IAlbaHost host)
    {
        await host.SubmittedReferral();
        var older = await host.SignedCheckpoint();
        await host.SubmittedReferral();
        return (older, await host.SignedCheckpoint());
    }

    /// <summary>
    /// The attack up to the next signing: a triage between two checkpoints rewritten with every later hash recomputed, the
    /// checkpoints after the second deleted (the second, signed over the original, is left), and a new event after it all.
    /// </summary>
    public static async Task<(long First, long Second)> ForgedBelowASignedCheckpoint(this IAlbaHost host)
    {
        var (first, triage, second) = await host.TriagedBetweenTwoCheckpoints();
        (await host.SignedCheckpoint()).ShouldBeGreaterThan(second);
        await host.RewrittenAndRehashed(triage, priority: "urgent");
        await host.Sql("delete from matching.mt_doc_auditcheckpoint where id > @second", ("second", second));
        await host.SubmittedReferral();
        await host.AuditCaughtUp();
        return (first, second);
    }

    public static async Task<JsonNode> Checkpoints(this IAlbaHost host, string query = "")
    {
        var (status, body) = await host.Get($"/api/audit/checkpoints{query}", Tokens.Compliance);
        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        return body!;
    }

    /// <summary>The sequence of the last entry the audit projection has stored: the chain's end.</summary>
    public static async Task<long> ChainEnd(this IAlbaHost host)
    {
        await host.AuditCaughtUp();
        return await host.Scalar<long>("select coalesce(max(id), 0) from matching.mt_doc_auditentry");
    }

    public static AuditCheckpoint ToCheckpoint(this JsonNode node) => new()
    {
        Sequence = node["sequence"]!.GetValue<long>(), Hash = node["hash"]!.GetValue<string>(), At = node["at"]!.GetValue<DateTimeOffset>(),
        Signature = node["signature"]!.GetValue<string>(), KeyId = node["keyId"]!.GetValue<string>(),
        PreviousSequence = node["previousSequence"]?.GetValue<long>(), PreviousSignatureDigest = node["previousSignatureDigest"]?.GetValue<string>()
    };

    /// <summary>The checkpoints as stored, oldest first.</summary>
    public static async Task<List<AuditCheckpoint>> StoredCheckpoints(this IAlbaHost host)
    {
        await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Query<AuditCheckpoint>().OrderBy(x => x.Sequence).ToListAsync()).ToList();
    }

    /// <summary>What compliance would save now, in the fixture's folder.</summary>
    public static async Task<VerifierFiles> SavedForTheVerifier(this AnchoredAppFixture app)
    {
        var name = Guid.NewGuid().ToString("N");
        using var client = app.Host.Client(Tokens.Compliance);
        var export = Path.Combine(app.Folder, $"{name}.ndjson");
        await File.WriteAllTextAsync(export, await client.GetStringAsync("/api/audit/export?format=ndjson"));
        var checkpoints = Path.Combine(app.Folder, $"{name}.checkpoints.json");
        await File.WriteAllTextAsync(checkpoints, await client.GetStringAsync("/api/audit/checkpoints"));
        var publicKey = Path.Combine(app.Folder, $"{name}.pub.pem");
        await File.WriteAllTextAsync(publicKey, app.PublicKeyPem);
        return new VerifierFiles(export, checkpoints, publicKey);
    }

    public static (int Exit, string Output, string Error) RunVerifier(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = AuditVerifyCommand.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>
    /// The attack, done with SQL by someone who knows the algorithm but has no key. Rewriting the event alone and recomputing
    /// the stored hashes is not enough: the audit entry keeps a copy of the event's data and the integrity check recomputes
    /// each hash from both copies, so whichever copy the new hashes follow, the other one fails. So the copy is rewritten as
    /// well (with the summary it derives, which the check also derives again), then every hash from the rewritten entry on is
    /// recomputed from the entries (and the kept digests) and written back.
    /// </summary>
    public static async Task RewrittenAndRehashed(this IAlbaHost host, long sequence, string priority)
    {
        // Entries still being written would be hashed onto the chain as it was.
        await host.AuditCaughtUp();
        var value = new JsonObject { ["v"] = priority }["v"]!.ToJsonString();
        await host.Sql("update matching.mt_events set data = jsonb_set(data, '{priority}', @value::jsonb) where seq_id = @seq",
            ("seq", sequence), ("value", value));
        await host.Sql("""
            update matching.mt_doc_auditentry
            set data = jsonb_set(jsonb_set(data, '{data,priority}', @value::jsonb), '{summary}', to_jsonb(@summary::text)) where id = @seq
            """, ("seq", sequence), ("value", value), ("summary", $"Triaged as {priority}"));

        await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var previous = await session.Query<AuditEntry>().Where(x => x.Id < sequence).OrderByDescending(x => x.Id).Select(x => x.Hash)
            .FirstAsync();
        var entries = await session.Query<AuditEntry>().Where(x => x.Id >= sequence).OrderBy(x => x.Id).ToListAsync();
        var digests = (await session.Query<PersonalDataDigest>().Where(x => x.Id >= sequence).ToListAsync()).ToDictionary(d => d.Id);
        foreach (var entry in entries)
        {
            var facts = new AuditFacts(entry.Id, entry.StreamId, entry.Type, entry.TypeAlias, entry.At, entry.Actor,
                entry.CorrelationId, entry.CausationId, JsonNode.Parse(entry.Data.GetRawText())!.AsObject());
            var hash = AuditChain.Next(previous, AuditChain.Canonical(facts, digests.GetValueOrDefault(entry.Id)?.Digests));
            await host.Sql("update matching.mt_doc_auditentry set data = jsonb_set(data, '{hash}', to_jsonb(@hash::text)) where id = @id",
                ("id", entry.Id), ("hash", hash));
            previous = hash;
        }
        entries.Count.ShouldBeGreaterThan(2);
    }
}
