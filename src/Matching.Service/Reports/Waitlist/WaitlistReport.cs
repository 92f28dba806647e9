using Marten;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Matching.Service.Reports.Waitlist;

/// <summary>Referrals waitlisted now and how long they have waited (since this stay began) at <c>measuredAt</c>.</summary>
public sealed record WaitlistReport(
    ReportAsOf AsOf, DateOnly? From, DateOnly? To, DateTimeOffset MeasuredAt,
    int Current, double? MedianDaysWaiting, double? P90DaysWaiting, int EverWaitlisted)
{
    public static WaitlistReport Compute(ReportAsOf asOf, ReportRange range, IReadOnlyList<ReferralFacts> facts, DateTimeOffset now)
    {
        var waiting = Percentiles.Summarize(facts.Where(f => f.Waitlisted).Select(f => (now - f.WaitlistedAt!.Value).TotalDays));
        return new WaitlistReport(asOf, range.From, range.To, now, waiting.Count, waiting.Median, waiting.P90,
            facts.Count(f => f.Waitlistings > 0));
    }
}

public static class WaitlistReportEndpoint
{
    private static readonly string[] Header = ["measuredAt", "current", "medianDaysWaiting", "p90DaysWaiting", "everWaitlisted"];

    [WolverineGet("/api/reports/waitlist"), Authorize(Policy = Policies.Reports)]
    [ProducesResponseType<WaitlistReport>(200)]
    public static async Task<IResult> Get(
        string? from, string? to, HttpContext http, IQuerySession session, TimeProvider time, CancellationToken cancellation)
    {
        var (range, problem) = ReportRange.Parse(from, to);
        if (problem is not null) return Results.Problem(problem);

        var asOf = await ReportReads.AsOfAsync(session, cancellation);
        var report = WaitlistReport.Compute(asOf, range!, await ReportReads.FactsAsync(session, range!, cancellation), time.GetUtcNow());
        if (!ReportCsv.Wanted(http.Request)) return Results.Ok(report);

        return ReportCsv.Result(http.Response, asOf, Header,
            [[report.MeasuredAt, report.Current, report.MedianDaysWaiting, report.P90DaysWaiting, report.EverWaitlisted]]);
    }
}
