using Marten;
using Matching.Service.Audit;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Attributes;
using Wolverine.Http;

namespace Matching.Service.Referrals.Timeline;

public sealed record TimelineActor(string Sub, string Name, string Role);

public sealed record TimelineItem(long Sequence, long Version, string Type, DateTimeOffset At, TimelineActor Actor, string Summary);

public sealed record ReferralTimeline(Guid ReferralId, IReadOnlyList<TimelineItem> Items);

public static class ReferralTimelineEndpoint
{
    /// <summary>Read live from the stream, so the timeline is never behind and needs no projection.</summary>
    public static Task<ReferralTimeline?> Load(IQuerySession session, Guid referralId, CancellationToken cancellation) =>
        Read(session, referralId, EventSummaries.Describe, cancellation);

    /// <summary>The timeline with each event summarised by <paramref name="describe"/> (the referral page words them for people).</summary>
    public static async Task<ReferralTimeline?> Read(IQuerySession session, Guid referralId, Func<object, string> describe,
        CancellationToken cancellation)
    {
        var events = await session.Events.FetchStreamAsync(referralId, token: cancellation);
        if (events.Count == 0) return null;

        var items = events.Select(e =>
        {
            var actor = Actor.FromHeaders(e.Headers, e.UserName);
            return new TimelineItem(e.Sequence, e.Version, e.EventType.Name, e.Timestamp,
                new TimelineActor(actor.Sub, actor.Name, actor.Role), describe(e.Data));
        }).ToList();
        return new ReferralTimeline(referralId, items);
    }

    [WolverineGet("/api/referrals/{referralId}/timeline"), Authorize(Policy = Policies.Coordination)]
    [ProducesResponseType<ReferralTimeline>(200), ProducesResponseType<ProblemDetails>(404)]
    [NonTransactional]
    public static async Task<IResult> Get(Guid referralId, IDocumentSession session, CancellationToken cancellation)
    {
        if (await Load(session, referralId, cancellation) is not { } timeline) return Results.Problem(Problems.NotFound("referral"));
        // Fail closed, as the detail does: no recorded access, no timeline.
        AccessLog.Record(session, referralId, AccessLog.ReferralTimeline);
        await session.SaveChangesAsync(cancellation);
        return Results.Ok(timeline);
    }
}
