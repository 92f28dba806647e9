using JasperFx.Events.Projections;
using Marten;

namespace Matching.Service.Reports;

public static class ReportsModule
{
    public static void Configure(StoreOptions opts)
    {
        // Reports tolerate a short lag, so their facts are kept by the async daemon (distributed by
        // Wolverine across nodes) and commands never pay for them.
        opts.Projections.Snapshot<ReferralFacts>(SnapshotLifecycle.Async);
        opts.Schema.For<ReferralFacts>().Duplicate(f => f.IntakeDate);
    }
}
