using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Matching.Service.Reports.MatchOutcomes;

public enum OutcomeGrouping { Clinician, Concern, Month }

public sealed record MatchOutcomeRow(
    string Key, string Label, int Proposals, int Accepted, int Declined, int Expired, int Withdrawn, int Pending,
    double? AcceptanceRate, IReadOnlyDictionary<string, int> DeclineReasons);

public sealed record MatchOutcomesReport(ReportAsOf AsOf, DateOnly? From, DateOnly? To, OutcomeGrouping GroupBy, IReadOnlyList<MatchOutcomeRow> Rows)
{
    /// <summary>
    /// Proposals of the referrals in range, grouped by the proposed clinician, by each of the
    /// referral's concerns (a proposal counts under every concern its referral named), or by intake month.
    /// </summary>
    public static MatchOutcomesReport Compute(
        ReportAsOf asOf, ReportRange range, OutcomeGrouping groupBy, IReadOnlyList<ReferralFacts> facts, Func<string, string> label)
    {
        var keyed = facts.SelectMany(f => f.Proposals.SelectMany(p => Keys(groupBy, f, p).Select(key => (key, p))));
        var rows = keyed.GroupBy(x => x.key, x => x.p)
            .Select(g => Row(g.Key, label(g.Key), g.ToList()))
            .OrderBy(r => groupBy == OutcomeGrouping.Clinician ? r.Label : r.Key, StringComparer.Ordinal)
            .ThenBy(r => r.Key, StringComparer.Ordinal)
            .ToList();
        return new MatchOutcomesReport(asOf, range.From, range.To, groupBy, rows);
    }

    private static IEnumerable<string> Keys(OutcomeGrouping groupBy, ReferralFacts facts, ProposalFact proposal) => groupBy switch
    {
        OutcomeGrouping.Clinician => [proposal.ClinicianId.ToString()],
        OutcomeGrouping.Concern => facts.Concerns.Select(c => Words.Wire(c)),
        _ => [facts.Month]
    };

    private static MatchOutcomeRow Row(string key, string label, IReadOnlyList<ProposalFact> proposals)
    {
        int Count(ProposalOutcome outcome) => proposals.Count(p => p.Outcome == outcome);
        var accepted = Count(ProposalOutcome.Accepted);
        var declined = Count(ProposalOutcome.Declined);
        var expired = Count(ProposalOutcome.Expired);
        var reasons = Enum.GetValues<DeclineReason>().ToDictionary(r => Words.Wire(r),
            r => proposals.Count(p => p.Outcome == ProposalOutcome.Declined && p.DeclineReason == r));
        return new MatchOutcomeRow(key, label, proposals.Count, accepted, declined, expired, Count(ProposalOutcome.Withdrawn),
            Count(ProposalOutcome.Pending), Percentiles.Rate(accepted, accepted + declined + expired), reasons);
    }
}

public static class MatchOutcomesReportEndpoint
{
    [WolverineGet("/api/reports/match-outcomes"), Authorize(Policy = Policies.Reports)]
    [ProducesResponseType<MatchOutcomesReport>(200)]
    public static async Task<IResult> Get(
        string? from, string? to, string? groupBy, HttpContext http, IQuerySession session, CancellationToken cancellation)
    {
        var (range, problem) = ReportRange.Parse(from, to);
        OutcomeGrouping? grouping = string.IsNullOrEmpty(groupBy)
            ? OutcomeGrouping.Clinician
            : Enum.GetValues<OutcomeGrouping>().Cast<OutcomeGrouping?>()
                .FirstOrDefault(g => string.Equals(Words.Wire(g!.Value), groupBy, StringComparison.OrdinalIgnoreCase));
        if (grouping is null)
        {
            var errors = (problem as HttpValidationProblemDetails)?.Errors ?? new Dictionary<string, string[]>();
            errors["groupBy"] = ["Group by clinician, concern or month."];
            problem = Problems.Invalid(errors);
        }
        if (problem is not null) return Results.Problem(problem);

        var asOf = await ReportReads.AsOfAsync(session, cancellation);
        var facts = await ReportReads.FactsAsync(session, range!, cancellation);
        var label = await LabelsAsync(grouping!.Value, facts, session, cancellation);
        var report = MatchOutcomesReport.Compute(asOf, range!, grouping.Value, facts, label);
        if (!ReportCsv.Wanted(http.Request)) return Results.Ok(report);

        var reasons = Enum.GetValues<DeclineReason>().Select(r => Words.Wire(r)).ToList();
        string[] header =
        [
            "key", "label", "proposals", "accepted", "declined", "expired", "withdrawn", "pending", "acceptanceRate",
            ..reasons.Select(r => $"declineReasons.{r}")
        ];
        return ReportCsv.Result(http.Response, asOf, header, report.Rows.Select(r => (IReadOnlyList<object?>)
        [
            r.Key, r.Label, r.Proposals, r.Accepted, r.Declined, r.Expired, r.Withdrawn, r.Pending, r.AcceptanceRate,
            ..reasons.Select(reason => (object?)r.DeclineReasons[reason])
        ]));
    }

    // Clinicians are labelled with their name (staff, not client data); concerns in words; months as they are.
    private static async Task<Func<string, string>> LabelsAsync(
        OutcomeGrouping grouping, IReadOnlyList<ReferralFacts> facts, IQuerySession session, CancellationToken cancellation)
    {
        switch (grouping)
        {
            case OutcomeGrouping.Clinician:
                var ids = facts.SelectMany(f => f.Proposals.Select(p => p.ClinicianId)).Distinct().ToArray();
                var names = ids.Length == 0
                    ? new Dictionary<string, string>()
                    : (await session.LoadManyAsync<Clinician>(cancellation, ids)).ToDictionary(c => c.Id.ToString(), c => c.Profile.Name);
                return key => names.GetValueOrDefault(key, key);
            case OutcomeGrouping.Concern:
                var words = Enum.GetValues<Concern>().ToDictionary(c => Words.Wire(c), c => Words.Label(c));
                return key => words.GetValueOrDefault(key, key);
            default:
                return key => key;
        }
    }
}
