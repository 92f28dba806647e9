using JasperFx.Events.Projections;
using Marten;

namespace Matching.Service.Clinicians;

public static class CliniciansModule
{
    public static void Configure(StoreOptions opts)
    {
        opts.Projections.Snapshot<Clinician>(SnapshotLifecycle.Inline);
        opts.Schema.For<Clinician>().GinIndexJsonData();

        // A clinician's load is not kept here: Workload/ClinicianWorkloads counts it from the referrals when read.
    }
}
