using Marten;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Matching.Service.Referrals.Timeline;

public sealed record TimelineActor(string Sub, string Name, string Role);

public sealed record TimelineItem(long Sequence, long Version, string Type, DateTimeOffset At, TimelineActor Actor, string Summary);

public sealed record ReferralTimeline(Guid ReferralId, IReadOnlyList<TimelineItem> Items);

public static class ReferralTimelineEndpoint
{
    /// <summary>Read live from the stream, so the timeline is never behind and needs no projection.</summary>
    public static async Task<ReferralTimeline?> Load(IQuerySession session, Guid referralId, CancellationToken cancellation)
    {
        var events = await session.Events.FetchStreamAsync(referralId, token: cancellation);
        if (events.Count == 0) return null;

        var items = events.Select(e =>
        {
            var actor = Actor.FromHeaders(e.Headers, e.UserName);
            return new TimelineItem(e.Sequence, e.Version, e.EventType.Name, e.Timestamp,
                new TimelineActor(actor.Sub, actor.Name, actor.Role), EventSummaries.Describe(e.Data));
        }).ToList();
        return new ReferralTimeline(referralId, items);
    }

    [WolverineGet("/api/referrals/{referralId}/timeline"), Authorize(Policy = Policies.Coordination)]
    [ProducesResponseType<ReferralTimeline>(200), ProducesResponseType<ProblemDetails>(404)]
    public static async Task<IResult> Get(Guid referralId, IQuerySession session, CancellationToken cancellation) =>
        await Load(session, referralId, cancellation) is { } timeline
            ? Results.Ok(timeline)
            : Results.Problem(Problems.NotFound("referral"));
}
