using System.Globalization;
using Marten;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Attributes;
using Wolverine.Http;

namespace Matching.Service.Audit;

/// <summary>The checkpoints, newest first, with the configured key's id and public half (null when none is configured).</summary>
public sealed record AuditCheckpointList(string? KeyId, string? PublicKey, IReadOnlyList<AuditCheckpoint> Items);

public enum CheckpointOutcome
{
    /// <summary>A new checkpoint signs the chain's end.</summary>
    Signed,
    /// <summary>The chain hasn't moved past the latest checkpoint.</summary>
    Unchanged,
    /// <summary>The trail has no entry yet.</summary>
    Empty,
    /// <summary>Another node holds the lock: it is signing.</summary>
    Busy
}

/// <summary>Signs the audit chain's end (periodically, see <see cref="AuditCheckpointTimer"/>, or on request) and lists the checkpoints.</summary>
public static class AuditCheckpoints
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1_000;

    /// <summary>The advisory lock every node takes to sign: "MATCHCPT" in ASCII, apart from Marten's and Wolverine's small ids.</summary>
    public const long LockId = 0x4D41_5443_4843_5054;

    [WolverineGet("/api/audit/checkpoints"), Authorize(Policy = Policies.Audit), NonTransactional]
    [ProducesResponseType<AuditCheckpointList>(200), ProducesResponseType<ProblemDetails>(400)]
    public static async Task<IResult> Get(string? limit, IQuerySession session, AuditAnchor anchor, CancellationToken cancellation)
    {
        var take = DefaultLimit;
        if (!string.IsNullOrEmpty(limit)
            && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take is < 1 or > MaxLimit))
            return Results.Problem(Problems.Invalid("limit", $"Give a whole number from 1 to {MaxLimit}."));

        var items = await session.Query<AuditCheckpoint>().OrderByDescending(x => x.Sequence).Take(take).ToListAsync(cancellation);
        return Results.Ok(new AuditCheckpointList(anchor.Key?.KeyId, anchor.Key?.PublicKeyPem, items));
    }

    [WolverinePost("/api/audit/checkpoints"), Authorize(Policy = Policies.Audit), NonTransactional]
    [ProducesResponseType<AuditCheckpoint>(201), ProducesResponseType<AuditCheckpoint>(200), ProducesResponseType<ProblemDetails>(409)]
    public static async Task<IResult> Post(IDocumentStore store, AuditAnchor anchor, TimeProvider time, CancellationToken cancellation)
    {
        if (anchor.Key is not { } key)
            return Results.Problem(NotPossible("No audit signing key is configured (Audit:SigningKeyPath).", "noSigningKey"));

        // Waits for a node that is signing right now, then answers what it signed.
        var (outcome, checkpoint) = await SignAsync(store, key, time, waitForLock: true, cancellation);
        return outcome switch
        {
            CheckpointOutcome.Signed => Results.Json(checkpoint, statusCode: StatusCodes.Status201Created),
            CheckpointOutcome.Unchanged => Results.Ok(checkpoint),
            _ => Results.Problem(NotPossible("The audit trail has no entry to sign yet.", "emptyTrail"))
        };
    }

    /// <summary>
    /// Signs the chain's end (the stored entry with the highest sequence) unless the latest checkpoint already covers it.
    /// In one transaction holding <see cref="LockId"/>, so nodes sharing the database never sign side by side: the
    /// periodic job tries the lock and skips when it is taken, a request waits for it.
    /// </summary>
    public static async Task<(CheckpointOutcome Outcome, AuditCheckpoint? Checkpoint)> SignAsync(
        IDocumentStore store, AuditSigningKey key, TimeProvider time, bool waitForLock, CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(cancellation);
        var locked = await session.AdvancedSql.QueryAsync<bool>(
            waitForLock ? "select true from pg_advisory_xact_lock(?)" : "select pg_try_advisory_xact_lock(?)", cancellation, LockId);
        if (!locked.Single()) return (CheckpointOutcome.Busy, null);

        var latest = await session.Query<AuditCheckpoint>().OrderByDescending(x => x.Sequence).FirstOrDefaultAsync(cancellation);
        var end = await session.Query<AuditEntry>().OrderByDescending(x => x.Id)
            .Select(x => new { x.Id, x.Hash }).FirstOrDefaultAsync(cancellation);
        // Not past the latest: unchanged, or entries being rebuilt (a rebuild reproduces the same hashes).
        if (end is null) return (latest is null ? CheckpointOutcome.Empty : CheckpointOutcome.Unchanged, latest);
        if (latest is not null && end.Id <= latest.Sequence) return (CheckpointOutcome.Unchanged, latest);

        var at = Microseconds(time.GetUtcNow());
        var checkpoint = new AuditCheckpoint
        {
            Sequence = end.Id, Hash = end.Hash, At = at, KeyId = key.KeyId, Signature = key.Sign(end.Id, end.Hash, at)
        };
        session.Insert(checkpoint);
        await session.SaveChangesAsync(cancellation);
        return (CheckpointOutcome.Signed, checkpoint);
    }

    /// <summary>The signed text holds microseconds (what PostgreSQL keeps): the stored time carries no more.</summary>
    private static DateTimeOffset Microseconds(DateTimeOffset now) => new(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero);

    private static ProblemDetails NotPossible(string detail, string code)
    {
        var problem = Problems.Conflict(detail, code);
        problem.Title = "No checkpoint can be signed.";
        return problem;
    }
}
