using Marten;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Matching.Service.Reports.Risk;

public sealed record MinutesSummary(int Count, double? MedianMinutes, double? P90Minutes);

/// <summary>
/// Referrals flagged by their safety answer, how long acknowledgement took (flag to first
/// acknowledgement), how many were acknowledged within the risk window, and escalations.
/// </summary>
public sealed record RiskReport(
    ReportAsOf AsOf, DateOnly? From, DateOnly? To,
    int Flagged, int Acknowledged, int Unacknowledged, int Escalated, int Urgent,
    MinutesSummary TimeToAcknowledgement, double TargetMinutes, int AcknowledgedWithinTarget, double? WithinTargetRate)
{
    public static RiskReport Compute(ReportAsOf asOf, ReportRange range, IReadOnlyList<ReferralFacts> facts, MatchingOptions options)
    {
        var flagged = facts.Where(f => f.RiskFlaggedAt is not null).ToList();
        var waits = flagged.Where(f => f.RiskAcknowledgedAt is not null)
            .Select(f => f.RiskAcknowledgedAt!.Value - f.RiskFlaggedAt!.Value).ToList();
        var summary = Percentiles.Summarize(waits.Select(w => w.TotalMinutes));
        var within = waits.Count(w => w <= options.RiskAcknowledgementWindow);
        return new RiskReport(asOf, range.From, range.To, flagged.Count, waits.Count, flagged.Count - waits.Count,
            flagged.Count(f => f.RiskEscalated), facts.Count(f => f.Urgent),
            new MinutesSummary(summary.Count, summary.Median, summary.P90),
            options.RiskAcknowledgementWindow.TotalMinutes, within, Percentiles.Rate(within, waits.Count));
    }
}

public static class RiskReportEndpoint
{
    private static readonly string[] Header =
    [
        "flagged", "acknowledged", "unacknowledged", "escalated", "urgent", "medianMinutesToAcknowledgement",
        "p90MinutesToAcknowledgement", "targetMinutes", "acknowledgedWithinTarget", "withinTargetRate"
    ];

    [WolverineGet("/api/reports/risk"), Authorize(Policy = Policies.Reports)]
    [ProducesResponseType<RiskReport>(200)]
    public static async Task<IResult> Get(
        string? from, string? to, HttpContext http, IQuerySession session, MatchingOptions options, CancellationToken cancellation)
    {
        var (range, problem) = ReportRange.Parse(from, to);
        if (problem is not null) return Results.Problem(problem);

        var asOf = await ReportReads.AsOfAsync(session, cancellation);
        var report = RiskReport.Compute(asOf, range!, await ReportReads.FactsAsync(session, range!, cancellation), options);
        if (!ReportCsv.Wanted(http.Request)) return Results.Ok(report);

        return ReportCsv.Result(http.Response, asOf, Header,
        [[
            report.Flagged, report.Acknowledged, report.Unacknowledged, report.Escalated, report.Urgent,
            report.TimeToAcknowledgement.MedianMinutes, report.TimeToAcknowledgement.P90Minutes, report.TargetMinutes,
            report.AcknowledgedWithinTarget, report.WithinTargetRate
        ]]);
    }
}
