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

        // Reports should trail intake by well under a second: the daemon's defaults look for new
        // events every 250 ms when busy and every second when quiet; one cheap query a poll.
        opts.Projections.FastPollingTime = TimeSpan.FromMilliseconds(100);
        opts.Projections.SlowPollingTime = TimeSpan.FromMilliseconds(200);
    }
}
