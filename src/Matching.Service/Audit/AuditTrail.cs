using System.Security.Claims;
using System.Text.Json;
using Marten;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Attributes;
using Wolverine.Http;

namespace Matching.Service.Audit;

public sealed record AuditEntryView(
    string Kind, long Sequence, DateTimeOffset At, string Type, AuditActor Actor,
    string? CorrelationId, string? CausationId, string Summary, JsonElement Data)
{
    public static AuditEntryView Of(AuditEntry e) =>
        new(e.Kind, e.Id, e.At, e.Type, e.Actor, e.CorrelationId, e.CausationId, e.Summary, e.Data);
}

public sealed record ReferralAuditTrail(Guid ReferralId, IReadOnlyList<AuditEntryView> Entries);

public sealed record ActorAuditTrail(string Sub, DateTimeOffset? From, DateTimeOffset? Until, IReadOnlyList<AuditEntryView> Entries);

/// <summary>
/// The audit trail per referral and per user, read from the audit projection (seconds behind the
/// events at most). Each read is itself recorded as an access, before the answer is sent.
/// </summary>
public static class AuditTrailEndpoints
{
    [WolverineGet("/api/audit/referrals/{referralId}"), Authorize(Policy = Policies.Audit), NonTransactional]
    [ProducesResponseType<ReferralAuditTrail>(200), ProducesResponseType<ProblemDetails>(404)]
    public static async Task<IResult> GetReferral(Guid referralId, IDocumentSession session, CancellationToken cancellation)
    {
        var entries = await session.Query<AuditEntry>()
            .Where(x => x.ReferralId == referralId)
            .OrderBy(x => x.Id)
            .ToListAsync(cancellation);
        if (entries.Count == 0 && await session.LoadAsync<Referral>(referralId, cancellation) is null)
            return Results.Problem(Problems.NotFound("referral"));

        AccessLog.Record(session, referralId, AccessLog.AuditReferral);
        await session.SaveChangesAsync(cancellation);
        return Results.Ok(new ReferralAuditTrail(referralId, entries.Select(AuditEntryView.Of).ToList()));
    }

    [WolverineGet("/api/audit/actors/{sub}"), Authorize(Policy = Policies.Audit), NonTransactional]
    [ProducesResponseType<ActorAuditTrail>(200), ProducesResponseType<ProblemDetails>(400)]
    public static async Task<IResult> GetActor(
        string sub, string? from, string? to, ClaimsPrincipal user, IDocumentSession session, MatchingOptions options,
        CancellationToken cancellation)
    {
        var (range, problem) = AuditRange.Parse(from, to, options);
        if (problem is not null) return Results.Problem(problem);

        var entries = await session.Query<AuditEntry>()
            .Where(x => x.ActorSub == sub)
            .Within(range!)
            .OrderBy(x => x.Id)
            .ToListAsync(cancellation);

        AccessLog.RecordSearch(session, AccessLog.AuditActor, $"sub={sub}&{range!.Describe()}");
        await session.SaveChangesAsync(cancellation);
        return Results.Ok(new ActorAuditTrail(sub, range.From, range.Until, entries.Select(AuditEntryView.Of).ToList()));
    }

    public static IQueryable<AuditEntry> Within(this IQueryable<AuditEntry> query, AuditRange range)
    {
        if (range.From is { } from) query = query.Where(x => x.At >= from);
        if (range.Until is { } until) query = query.Where(x => x.At < until);
        return query;
    }
}
