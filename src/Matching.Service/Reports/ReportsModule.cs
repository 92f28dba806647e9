using JasperFx.Events.Projections;
using Marten;

namespace Matching.Service.Reports;

public static class ReportsModule
{
    /// <summary>Events per async daemon batch for the service's async projections (Marten's default is 500).</summary>
    public const int RebuildBatchSize = 2_000;

    public static void Configure(StoreOptions opts)
    {
        // Reports tolerate a short lag, so their facts are kept by the async daemon (distributed by
        // Wolverine across nodes) and commands never pay for them.
        // Larger pages of events per daemon batch: a rebuild commits less often (measured in docs/benchmarks.md).
        opts.Projections.Snapshot<ReferralFacts>(SnapshotLifecycle.Async, o => o.BatchSize = RebuildBatchSize);
        opts.Schema.For<ReferralFacts>().Duplicate(f => f.IntakeDate);

        // Reports should trail intake by well under a second: the daemon's defaults look for new
        // events every 250 ms when busy and every second when quiet; one cheap query a poll.
        opts.Projections.FastPollingTime = TimeSpan.FromMilliseconds(100);
        opts.Projections.SlowPollingTime = TimeSpan.FromMilliseconds(200);
    }
}
