using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Alba;
using Matching.Service.Audit;
using Matching.Service.Referrals;
using Matching.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Matching.Tests.Audit;

/// <summary>
/// The service with an audit signing key in a PEM file of its own (read at start-up, deleted with the fixture), and an
/// interval long enough that only the test signs checkpoints.
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

    /// <summary>A scratch folder deleted with the fixture (exports, checkpoint lists, other keys).</summary>
    public string Folder => _folder;

    protected virtual string CheckpointInterval => "24:00:00";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Audit:SigningKeyPath"] = KeyPath,
        ["Audit:CheckpointInterval"] = CheckpointInterval
    };

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

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
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
        Signature = node["signature"]!.GetValue<string>(), KeyId = node["keyId"]!.GetValue<string>()
    };
}
