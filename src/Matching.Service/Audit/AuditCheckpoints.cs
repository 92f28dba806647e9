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
    Busy,
    /// <summary>
    /// The stored chain no longer agrees with the latest checkpoint (or that checkpoint's signature doesn't hold): nothing is
    /// signed, since signing now would anchor what may be a rewritten chain.
    /// </summary>
    ChainDisagrees
}

/// <summary>What a signing did: the new checkpoint, or the latest one; <see cref="Disagreement"/> says why the chain disagrees with it.</summary>
public sealed record CheckpointSigning(CheckpointOutcome Outcome, AuditCheckpoint? Checkpoint, string? Disagreement = null);

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
    public static async Task<IResult> Post(
        IDocumentStore store, AuditAnchor anchor, TimeProvider time, ILogger<AuditCheckpoint> logger, CancellationToken cancellation)
    {
        if (anchor.Key is not { } key)
            return Results.Problem(NotPossible("No audit signing key is configured (Audit:SigningKeyPath).", "noSigningKey"));

        // Waits for a node that is signing right now, then answers what it signed.
        var signing = await SignAsync(store, key, time, logger, waitForLock: true, cancellation);
        return signing.Outcome switch
        {
            CheckpointOutcome.Signed => Results.Json(signing.Checkpoint, statusCode: StatusCodes.Status201Created),
            CheckpointOutcome.Unchanged => Results.Ok(signing.Checkpoint),
            CheckpointOutcome.ChainDisagrees => Results.Problem(NotPossible(
                $"The audit chain disagrees with the checkpoint signed at sequence {signing.Checkpoint!.Sequence}: {signing.Disagreement}. "
                + "Nothing is signed over it; GET /api/audit/integrity names the first entry in doubt.", "chainDisagrees")),
            _ => Results.Problem(NotPossible("The audit trail has no entry to sign yet.", "emptyTrail"))
        };
    }

    /// <summary>
    /// Signs the chain's end (the stored entry with the highest sequence) unless the latest checkpoint already covers it, after
    /// the latest checkpoint, and only while the stored chain still agrees with that checkpoint: someone who rewrote the chain with
    /// SQL must not get it anchored. In one transaction holding <see cref="LockId"/>, so nodes sharing the database never sign side
    /// by side: the periodic job tries the lock and skips when it is taken, a request waits for it. Each checkpoint signed is
    /// logged in full at Information (the witness outside the database); a refusal at Critical.
    /// </summary>
    public static async Task<CheckpointSigning> SignAsync(
        IDocumentStore store, AuditSigningKey key, TimeProvider time, ILogger logger, bool waitForLock, CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(cancellation);
        var locked = await session.AdvancedSql.QueryAsync<bool>(
            waitForLock ? "select true from pg_advisory_xact_lock(?)" : "select pg_try_advisory_xact_lock(?)", cancellation, LockId);
        if (!locked.Single()) return new(CheckpointOutcome.Busy, null);

        var latest = await session.Query<AuditCheckpoint>().OrderByDescending(x => x.Sequence).FirstOrDefaultAsync(cancellation);
        // Checked even when there is nothing new to sign: a checkpoint written with SQL past the chain's end would otherwise
        // stop the signing unnoticed.
        if (latest is not null && CheckpointWalk.SignatureProblem(key, latest) is { } unsigned) return Refused(logger, latest, unsigned);
        var end = await session.Query<AuditEntry>().OrderByDescending(x => x.Id)
            .Select(x => new { x.Id, x.Hash }).FirstOrDefaultAsync(cancellation);
        // Not past the latest: unchanged, or entries being rebuilt (a rebuild reproduces the same hashes).
        if (end is null) return new(latest is null ? CheckpointOutcome.Empty : CheckpointOutcome.Unchanged, latest);
        if (latest is not null && end.Id <= latest.Sequence) return new(CheckpointOutcome.Unchanged, latest);

        if (latest is not null)
        {
            var signedHash = await session.Query<AuditEntry>().Where(x => x.Id == latest.Sequence).Select(x => x.Hash)
                .FirstOrDefaultAsync(cancellation);
            if (CheckpointWalk.Disagreement(key, latest, signedHash) is { } disagreement) return Refused(logger, latest, disagreement);
        }

        var checkpoint = key.Sign(end.Id, end.Hash, Microseconds(time.GetUtcNow()), previous: latest);
        session.Insert(checkpoint);
        await session.SaveChangesAsync(cancellation);
        // Everything needed to check it later without the database: a log pipeline keeps a copy nobody can delete with SQL.
        logger.LogInformation(
            "Audit checkpoint signed: sequence {Sequence}, hash {Hash}, at {At}, previous sequence {PreviousSequence}, "
            + "previous signature digest {PreviousSignatureDigest}, key {KeyId}, signature {Signature}",
            checkpoint.Sequence, checkpoint.Hash, AuditChain.Instant(checkpoint.At),
            checkpoint.PreviousSequence?.ToString(CultureInfo.InvariantCulture) ?? AuditSigningKey.None,
            checkpoint.PreviousSignatureDigest ?? AuditSigningKey.None, checkpoint.KeyId, checkpoint.Signature);
        return new(CheckpointOutcome.Signed, checkpoint);
    }

    private static CheckpointSigning Refused(ILogger logger, AuditCheckpoint latest, string disagreement)
    {
        logger.LogCritical(
            "Audit chain disagrees with the checkpoint signed at sequence {Sequence}: {Disagreement}. No checkpoint is signed "
            + "over it; GET /api/audit/integrity names the first entry in doubt", latest.Sequence, disagreement);
        return new(CheckpointOutcome.ChainDisagrees, latest, disagreement);
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
