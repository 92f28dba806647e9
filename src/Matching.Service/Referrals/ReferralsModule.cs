using JasperFx.Events.Projections;
using Marten;

namespace Matching.Service.Referrals;

public static class ReferralsModule
{
    public static void Configure(StoreOptions opts)
    {
        // The referral itself: one row a command reads and writes in its own transaction.
        opts.Projections.Snapshot<Referral>(SnapshotLifecycle.Inline);
        opts.Schema.For<Referral>()
            .Duplicate(r => r.SubmittedAt)
            .GinIndexJsonData();
    }
}
