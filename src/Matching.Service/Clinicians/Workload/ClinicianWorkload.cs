namespace Matching.Service.Clinicians.Workload;

/// <summary>A clinician's load as the referrals leave it, read at the moment it is asked for.</summary>
public sealed record ClinicianWorkload(Guid Id, int OpenProposals, int ActiveClients, int NewClientsLast7Days)
{
    /// <summary>How far back acceptances count: the weekly new-client limit looks back 7 days.</summary>
    public static readonly TimeSpan AcceptanceWindow = TimeSpan.FromDays(7);

    /// <summary>A clinician no referral names.</summary>
    public static ClinicianWorkload None(Guid clinicianId) => new(clinicianId, 0, 0, 0);

    public int RemainingCapacity(int caseloadLimit) => Math.Max(0, caseloadLimit - ActiveClients - OpenProposals);
}
