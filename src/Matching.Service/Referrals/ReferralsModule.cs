using JasperFx.Events.Projections;
using Marten;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals.Queue;

namespace Matching.Service.Referrals;

public static class ReferralsModule
{
    public static void Configure(StoreOptions opts, MatchingOptions? matching = null)
    {
        // The referral itself: one row a command reads and writes in its own transaction.
        opts.Projections.Snapshot<Referral>(SnapshotLifecycle.Inline);
        opts.Schema.For<Referral>()
            .Duplicate(r => r.SubmittedAt)
            .GinIndexJsonData();

        // The coordinator queue: a flat row per referral, kept with its events; columns for its filters and order.
        opts.Projections.Add(new CoordinatorQueueProjection(matching ?? new MatchingOptions()), ProjectionLifecycle.Inline);
        opts.Schema.For<ReferralQueueItem>()
            .Duplicate(q => q.Status)
            .Duplicate(q => q.Urgent)
            .Duplicate(q => q.AwaitingRiskAcknowledgement)
            .Duplicate(q => q.SubmittedAt)
            .Duplicate(q => q.ClinicianId!)
            .Duplicate(q => q.DueAt!)
            .GinIndexJsonData();
        QueueSql.AddIndexes(opts);
        QueueCounts.Configure(opts);

        FirstSessionSlots.Configure(opts);
    }
}
