using JasperFx.Events.Projections;
using Marten;

namespace Matching.Service.Clinicians;

public static class CliniciansModule
{
    public static void Configure(StoreOptions opts)
    {
        opts.Projections.Snapshot<Clinician>(SnapshotLifecycle.Inline);
    }
}
