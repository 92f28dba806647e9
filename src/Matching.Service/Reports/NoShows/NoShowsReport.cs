using Marten;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Matching.Service.Reports.NoShows;

/// <summary>
/// First-session outcomes: every recorded outcome counts (a client who missed and was re-booked counts
/// once per session), so the rate is no-shows ÷ (attended + no-shows).
/// </summary>
public sealed record NoShowsReport(
    ReportAsOf AsOf, DateOnly? From, DateOnly? To,
    int Booked, int Attended, int NoShows, double? NoShowRate, int ReferralsWithNoShow)
{
    public static NoShowsReport Compute(ReportAsOf asOf, ReportRange range, IReadOnlyList<ReferralFacts> facts)
    {
        var attended = facts.Sum(f => f.SessionsAttended);
        var noShows = facts.Sum(f => f.NoShows);
        return new NoShowsReport(asOf, range.From, range.To, facts.Count(f => f.FirstBookedAt is not null), attended, noShows,
            Percentiles.Rate(noShows, attended + noShows), facts.Count(f => f.NoShows > 0));
    }
}

public static class NoShowsReportEndpoint
{
    private static readonly string[] Header = ["booked", "attended", "noShows", "noShowRate", "referralsWithNoShow"];

    [WolverineGet("/api/reports/no-shows"), Authorize(Policy = Policies.Reports)]
    [ProducesResponseType<NoShowsReport>(200)]
    public static async Task<IResult> Get(string? from, string? to, HttpContext http, IQuerySession session, CancellationToken cancellation)
    {
        var (range, problem) = ReportRange.Parse(from, to);
        if (problem is not null) return Results.Problem(problem);

        var asOf = await ReportReads.AsOfAsync(session, cancellation);
        var report = NoShowsReport.Compute(asOf, range!, await ReportReads.FactsAsync(session, range!, cancellation));
        if (!ReportCsv.Wanted(http.Request)) return Results.Ok(report);

        return ReportCsv.Result(http.Response, asOf, Header,
            [[report.Booked, report.Attended, report.NoShows, report.NoShowRate, report.ReferralsWithNoShow]]);
    }
}
