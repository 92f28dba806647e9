using JasperFx.Events.Projections;
using Marten;
using Matching.Service.Clinicians.Workload;

namespace Matching.Service.Clinicians;

public static class CliniciansModule
{
    public static void Configure(StoreOptions opts)
    {
        opts.Projections.Snapshot<Clinician>(SnapshotLifecycle.Inline);
        opts.Schema.For<Clinician>().GinIndexJsonData();

        // Inline, so a proposal and the clinician's load it changes commit together: the next
        // match-suggestion run sees the new open proposal.
        opts.Projections.Add(new ClinicianWorkloadProjection(), ProjectionLifecycle.Inline);
    }
}
