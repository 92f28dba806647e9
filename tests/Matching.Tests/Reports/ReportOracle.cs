using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Queue;

namespace Matching.Tests.Reports;

/// <summary>
/// The reports computed again straight from the generated events, without the service's facts
/// documents: what each report must say. Percentiles by linear interpolation between closest ranks,
/// rounded to two decimals, as the contract of the reports states.
/// </summary>
public sealed class ReportOracle(IReadOnlyList<GeneratedReferral> all, DateOnly? from, DateOnly? to)
{
    private readonly IReadOnlyList<GeneratedReferral> _referrals = all.Where(r =>
    {
        var date = Intake(r).IntakeDate;
        return (from is null || date >= from) && (to is null || date <= to);
    }).ToList();

    public int Count => _referrals.Count;

    private static IntakeSubmitted Intake(GeneratedReferral r) => (IntakeSubmitted)r.Events[0].Data;
    private static bool Has<T>(GeneratedReferral r) => r.Events.Any(e => e.Data is T);
    private static DateTimeOffset? FirstAt<T>(GeneratedReferral r) => r.Events.FirstOrDefault(e => e.Data is T)?.At;

    public static double? Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0) return null;
        var rank = p * (sorted.Length - 1);
        var below = (int)rank;
        var fraction = rank - below;
        var value = below + 1 < sorted.Length ? sorted[below] + fraction * (sorted[below + 1] - sorted[below]) : sorted[below];
        return Math.Round(value, 2, MidpointRounding.AwayFromZero);
    }

    public static double? Rate(int part, int whole) => whole == 0 ? null : (double)part / whole;

    public sealed record Funnel(int Submitted, int Triaged, int Proposed, int Accepted, int Booked, int Attended, int Proposals, int Rematches);

    public Funnel FunnelOf(IEnumerable<GeneratedReferral> referrals)
    {
        var list = referrals.ToList();
        return new Funnel(list.Count, list.Count(Has<ReferralTriaged>), list.Count(Has<MatchProposed>),
            list.Count(Has<ProposalAccepted>), list.Count(Has<FirstSessionBooked>), list.Count(Has<FirstSessionAttended>),
            list.Sum(r => r.Events.Count(e => e.Data is MatchProposed)),
            list.Sum(r => r.Events.Count(e => e.Data is ProposalDeclined or ProposalExpired or ProposalWithdrawn { ClosesReferral: false })));
    }

    public Funnel Totals => FunnelOf(_referrals);

    public IReadOnlyDictionary<string, Funnel> Months => _referrals
        .GroupBy(r => $"{Intake(r).IntakeDate.Year:D4}-{Intake(r).IntakeDate.Month:D2}")
        .ToDictionary(g => g.Key, g => FunnelOf(g));

    public sealed record Outcomes(int Proposals, int Accepted, int Declined, int Expired, int Withdrawn, Dictionary<DeclineReason, int> Reasons)
    {
        public double? AcceptanceRate => Rate(Accepted, Accepted + Declined + Expired);
    }

    /// <summary>Each proposal with its referral and how it ended (null while pending).</summary>
    private IEnumerable<(GeneratedReferral Referral, MatchProposed Proposal, object? End)> Proposals() =>
        from r in _referrals
        from e in r.Events
        where e.Data is MatchProposed
        let p = (MatchProposed)e.Data
        select (r, p, r.Events.Select(x => x.Data).FirstOrDefault(x => x switch
        {
            ProposalAccepted a => a.ProposalId == p.ProposalId,
            ProposalDeclined d => d.ProposalId == p.ProposalId,
            ProposalExpired x2 => x2.ProposalId == p.ProposalId,
            ProposalWithdrawn w => w.ProposalId == p.ProposalId,
            _ => false
        }));

    public IReadOnlyDictionary<string, Outcomes> OutcomesBy(string groupBy)
    {
        var keyed = Proposals().SelectMany(x => (groupBy switch
        {
            "clinician" => [x.Proposal.ClinicianId.ToString()],
            "concern" => Intake(x.Referral).Intake.Concerns!.Distinct().Select(c => char.ToLowerInvariant(c.ToString()[0]) + c.ToString()[1..]),
            _ => new[] { $"{Intake(x.Referral).IntakeDate.Year:D4}-{Intake(x.Referral).IntakeDate.Month:D2}" }
        }).Select(key => (key, x.End)));
        return keyed.GroupBy(k => k.key).ToDictionary(g => g.Key, g => new Outcomes(
            g.Count(), g.Count(k => k.End is ProposalAccepted), g.Count(k => k.End is ProposalDeclined),
            g.Count(k => k.End is ProposalExpired), g.Count(k => k.End is ProposalWithdrawn),
            Enum.GetValues<DeclineReason>().ToDictionary(reason => reason, reason => g.Count(k => k.End is ProposalDeclined d && d.Reason == reason))));
    }

    public sealed record Durations(int Count, double? Median, double? P90);

    private static Durations Summary(IReadOnlyCollection<double> values) => new(values.Count, Percentile(values, 0.5), Percentile(values, 0.9));

    /// <summary>Start of the session booked last, as rescheduled.</summary>
    private static DateTimeOffset? SessionStart(GeneratedReferral r)
    {
        DateTimeOffset? start = null;
        foreach (var e in r.Events)
        {
            if (e.Data is FirstSessionBooked b) start = b.StartsAt;
            if (e.Data is FirstSessionRescheduled s) start = s.StartsAt;
        }
        return start;
    }

    public Durations IntakeToFirstSession => Summary(_referrals.Where(r => SessionStart(r) is not null)
        .Select(r => (SessionStart(r)!.Value - r.Events[0].At).TotalHours).ToList());

    public Durations IntakeToFirstProposal => Summary(_referrals.Where(Has<MatchProposed>)
        .Select(r => (FirstAt<MatchProposed>(r)!.Value - r.Events[0].At).TotalHours).ToList());

    public Durations FirstProposalToAcceptance => Summary(_referrals.Where(Has<ProposalAccepted>)
        .Select(r => (FirstAt<ProposalAccepted>(r)!.Value - FirstAt<MatchProposed>(r)!.Value).TotalHours).ToList());

    public int FirstSessionWithinTarget(MatchingOptions options) => _referrals.Count(r => SessionStart(r) is { } start
        && start <= ServiceLevels.AddBusinessDays(r.Events[0].At, options.FirstSessionBusinessDays, options.TimeZone));

    public int BookedCount => _referrals.Count(Has<FirstSessionBooked>);

    /// <summary>Referrals whose last waitlisting was not followed by a proposal or closure, and when it began.</summary>
    public IReadOnlyList<DateTimeOffset> WaitingSince => _referrals.Select(r =>
    {
        DateTimeOffset? since = null;
        foreach (var e in r.Events)
        {
            if (e.Data is ReferralWaitlisted) since = e.At;
            if (e.Data is MatchProposed or ReferralClosed) since = null;
        }
        return since;
    }).Where(s => s is not null).Select(s => s!.Value).ToList();

    public int EverWaitlisted => _referrals.Count(Has<ReferralWaitlisted>);

    public int Attended => _referrals.Sum(r => r.Events.Count(e => e.Data is FirstSessionAttended));
    public int NoShows => _referrals.Sum(r => r.Events.Count(e => e.Data is FirstSessionMissed));
    public int ReferralsWithNoShow => _referrals.Count(Has<FirstSessionMissed>);

    public int Flagged => _referrals.Count(Has<RiskFlagged>);
    public int Escalated => _referrals.Count(Has<RiskEscalated>);
    public int Urgent => _referrals.Count(r => Has<RiskFlagged>(r) || r.Events.Any(e => e.Data is ReferralTriaged { Priority: TriagePriority.Urgent }));

    public IReadOnlyList<double> MinutesToAcknowledge => _referrals.Where(Has<RiskAcknowledged>)
        .Select(r => (FirstAt<RiskAcknowledged>(r)!.Value - FirstAt<RiskFlagged>(r)!.Value).TotalMinutes).ToList();

    /// <summary>Per clinician, from every referral regardless of range: clients accepted and not closed otherwise, and open proposals.</summary>
    public static (int Active, int Open) Load(IReadOnlyList<GeneratedReferral> referrals, Guid clinicianId)
    {
        var active = referrals.Count(r => r.Events.Any(e => e.Data is ProposalAccepted a && a.ClinicianId == clinicianId)
                                          && !r.Events.Any(e => e.Data is ReferralClosed));
        var open = referrals.Count(r => !r.Events.Any(e => e.Data is ReferralClosed) && r.Events.Any(e =>
            e.Data is MatchProposed p && p.ClinicianId == clinicianId
            && !r.Events.Any(x => x.Data is ProposalAccepted a && a.ProposalId == p.ProposalId
                                  || x.Data is ProposalDeclined d && d.ProposalId == p.ProposalId
                                  || x.Data is ProposalExpired ex && ex.ProposalId == p.ProposalId
                                  || x.Data is ProposalWithdrawn w && w.ProposalId == p.ProposalId)));
        return (active, open);
    }
}
