using JasperFx.Events;
using Marten.Events.Projections;
using Matching.Service.Referrals;

namespace Matching.Service.Clinicians.Workload;

/// <summary>When a clinician accepted a referral: the weekly new-client count reads these.</summary>
public sealed record Acceptance(Guid ReferralId, DateTimeOffset At);

/// <summary>
/// A clinician's load as the referral streams leave it. Counts come from sets of referral ids, so a
/// replayed or repeated event can't count twice.
/// </summary>
public sealed record ClinicianWorkload
{
    /// <summary>How far back acceptances are kept: the weekly new-client limit looks back 7 days.</summary>
    public static readonly TimeSpan AcceptanceWindow = TimeSpan.FromDays(7);

    public Guid Id { get; set; }
    public IReadOnlyList<Guid> OpenProposalReferralIds { get; init; } = [];
    public IReadOnlyList<Guid> ActiveClientReferralIds { get; init; } = [];
    public IReadOnlyList<Acceptance> RecentAcceptances { get; init; } = [];

    public int OpenProposals => OpenProposalReferralIds.Count;
    public int ActiveClients => ActiveClientReferralIds.Count;

    public int RemainingCapacity(int caseloadLimit) => Math.Max(0, caseloadLimit - ActiveClients - OpenProposals);

    /// <summary>New clients (acceptances) in the 7 days up to now.</summary>
    public int NewClientsInWeekBefore(DateTimeOffset now) =>
        RecentAcceptances.Count(a => a.At > now - AcceptanceWindow && a.At <= now);
}

/// <summary>Keeps <see cref="ClinicianWorkload"/> in step with the referral events that name a clinician.</summary>
public partial class ClinicianWorkloadProjection : MultiStreamProjection<ClinicianWorkload, Guid>
{
    public ClinicianWorkloadProjection()
    {
        Identity<MatchProposed>(e => e.ClinicianId);
        Identity<ProposalAccepted>(e => e.ClinicianId);
        Identity<ProposalDeclined>(e => e.ClinicianId);
        Identity<ProposalExpired>(e => e.ClinicianId);
        Identity<ProposalWithdrawn>(e => e.ClinicianId);
        Identities<ReferralClosed>(e => e.ClinicianId is { } id ? [id] : []);
    }

    public ClinicianWorkload Apply(IEvent<MatchProposed> e, ClinicianWorkload view) => view with
    {
        Id = e.Data.ClinicianId,
        OpenProposalReferralIds = With(view.OpenProposalReferralIds, e.StreamId)
    };

    public ClinicianWorkload Apply(IEvent<ProposalAccepted> e, ClinicianWorkload view) => view with
    {
        Id = e.Data.ClinicianId,
        OpenProposalReferralIds = Without(view.OpenProposalReferralIds, e.StreamId),
        ActiveClientReferralIds = With(view.ActiveClientReferralIds, e.StreamId),
        RecentAcceptances = Accepted(view.RecentAcceptances, e.StreamId, e.Timestamp)
    };

    public ClinicianWorkload Apply(IEvent<ProposalDeclined> e, ClinicianWorkload view) =>
        ProposalEnded(view, e.Data.ClinicianId, e.StreamId);

    public ClinicianWorkload Apply(IEvent<ProposalExpired> e, ClinicianWorkload view) =>
        ProposalEnded(view, e.Data.ClinicianId, e.StreamId);

    public ClinicianWorkload Apply(IEvent<ProposalWithdrawn> e, ClinicianWorkload view) =>
        ProposalEnded(view, e.Data.ClinicianId, e.StreamId);

    /// <summary>
    /// Closing as engaged keeps the client: they are now the clinician's client. Any other outcome
    /// ends both a pending proposal and an accepted referral that never became a client.
    /// </summary>
    public ClinicianWorkload Apply(IEvent<ReferralClosed> e, ClinicianWorkload view) =>
        e.Data.Outcome == ClosureOutcome.Engaged || e.Data.ClinicianId is not { } clinicianId
            ? view
            : view with
            {
                Id = clinicianId,
                OpenProposalReferralIds = Without(view.OpenProposalReferralIds, e.StreamId),
                ActiveClientReferralIds = Without(view.ActiveClientReferralIds, e.StreamId)
            };

    private static ClinicianWorkload ProposalEnded(ClinicianWorkload view, Guid clinicianId, Guid referralId) =>
        view with { Id = clinicianId, OpenProposalReferralIds = Without(view.OpenProposalReferralIds, referralId) };

    private static IReadOnlyList<Guid> With(IReadOnlyList<Guid> ids, Guid id) => ids.Contains(id) ? ids : [..ids, id];

    private static IReadOnlyList<Guid> Without(IReadOnlyList<Guid> ids, Guid id) =>
        ids.Contains(id) ? ids.Where(x => x != id).ToList() : ids;

    // Acceptances older than the window (measured from this event's own time, so a replay gives the
    // same document) can no longer count toward a weekly limit.
    private static IReadOnlyList<Acceptance> Accepted(IReadOnlyList<Acceptance> acceptances, Guid referralId, DateTimeOffset at) =>
    [
        ..acceptances.Where(a => a.ReferralId != referralId && a.At > at - ClinicianWorkload.AcceptanceWindow),
        new Acceptance(referralId, at)
    ];
}
