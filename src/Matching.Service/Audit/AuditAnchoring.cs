using Marten;
using Matching.Service.Infrastructure;
using Microsoft.Extensions.Options;

namespace Matching.Service.Audit;

/// <summary>How the audit chain is anchored (section "Audit"): the signing key's file and how often its end is signed.</summary>
public sealed class AuditAnchoringOptions
{
    public const string SectionName = "Audit";

    /// <summary>A PEM file holding an ECDSA P-256 private key. Unset: no checkpoints are signed or checked.</summary>
    public string? SigningKeyPath { get; set; }

    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>The configured signing key, read once at start-up (a key that can't sign stops the start), or none.</summary>
public sealed class AuditAnchor(IOptions<AuditAnchoringOptions> options) : IDisposable
{
    public AuditSigningKey? Key { get; } =
        string.IsNullOrWhiteSpace(options.Value.SigningKeyPath) ? null : AuditSigningKey.Load(options.Value.SigningKeyPath);

    public TimeSpan CheckpointInterval => options.Value.CheckpointInterval;

    public void Dispose() => Key?.Dispose();
}

public static class AuditAnchoring
{
    public static void AddMatchingAuditAnchoring(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(AuditAnchoringOptions.SectionName);
        builder.Services.AddOptions<AuditAnchoringOptions>()
            .Bind(section)
            .PostConfigure(o => MatchingOptions.ReadDurations(o, section, nameof(AuditAnchoringOptions.CheckpointInterval)))
            .Validate(o => o.CheckpointInterval > TimeSpan.Zero, "Audit:CheckpointInterval must be longer than zero.");
        builder.Services.AddSingleton<AuditAnchor>();
        // Background work belongs to workers: an API node signs on demand only (POST /api/audit/checkpoints).
        if (NodeRoles.Of(builder.Configuration).RunsBackgroundWork()) builder.Services.AddHostedService<AuditCheckpointTimer>();
    }
}

/// <summary>
/// Signs the chain's end every <see cref="AuditAnchoringOptions.CheckpointInterval"/> on the injected clock. Every worker
/// (and `all`) node runs it; the advisory lock in <see cref="AuditCheckpoints.SignAsync"/> lets one sign and the others skip.
/// </summary>
/// <remarks>Logs under the checkpoints' own category, as signing on request does: one place for a log pipeline to keep.</remarks>
public sealed class AuditCheckpointTimer(AuditAnchor anchor, IDocumentStore store, TimeProvider time, ILogger<AuditCheckpoint> logger)
    : BackgroundService
{
    private int _runs;

    /// <summary>Ticks handled so far (tests wait on it).</summary>
    internal int Runs => Volatile.Read(ref _runs);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (anchor.Key is not { } key) return;
        using var timer = new PeriodicTimer(anchor.CheckpointInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    // Logs what it signed, or at Critical why it refused; a refusal repeats every interval until someone looks.
                    await AuditCheckpoints.SignAsync(store, key, time, logger, waitForLock: false, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The next tick tries again: a database that is briefly away must not stop the anchoring for good.
                    logger.LogWarning(e, "Signing an audit checkpoint failed; retrying at the next interval");
                }
                Interlocked.Increment(ref _runs);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
