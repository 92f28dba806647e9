using Marten;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals.Queue;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Matching.Service.Reports.Durations;

public sealed record HoursSummary(int Count, double? MedianHours, double? P90Hours)
{
    public static HoursSummary Of(IEnumerable<TimeSpan> durations)
    {
        var summary = Percentiles.Summarize(durations.Select(d => d.TotalHours));
        return new HoursSummary(summary.Count, summary.Median, summary.P90);
    }
}

/// <summary>The routine service level: a first session within so many business days of intake.</summary>
public sealed record FirstSessionTarget(int BusinessDays, int WithinTarget, double? WithinTargetRate);

/// <summary>
/// Intake to the booked first session's start (for referrals that booked one: the latest booking,
/// as rescheduled), plus intake to first proposal and first proposal to first acceptance. Intake to
/// first session is split by who made that booking: the client on their link, or a coordinator.
/// </summary>
public sealed record TimeToFirstSessionReport(
    ReportAsOf AsOf, DateOnly? From, DateOnly? To,
    int Count, double? MedianHours, double? P90Hours,
    HoursSummary IntakeToFirstProposal, HoursSummary FirstProposalToAcceptance, FirstSessionTarget Sla,
    HoursSummary SelfBooked, HoursSummary CoordinatorBooked)
{
    public static TimeToFirstSessionReport Compute(ReportAsOf asOf, ReportRange range, IReadOnlyList<ReferralFacts> facts, MatchingOptions options)
    {
        var booked = facts.Where(f => f.FirstSessionStartsAt is not null).ToList();
        var toSession = ToSession(booked);
        var toProposal = HoursSummary.Of(facts.Where(f => f.FirstProposalAt is not null).Select(f => f.FirstProposalAt!.Value - f.SubmittedAt));
        var toAcceptance = HoursSummary.Of(facts.Where(f => f.FirstProposalAt is not null && f.FirstAcceptanceAt is not null)
            .Select(f => f.FirstAcceptanceAt!.Value - f.FirstProposalAt!.Value));
        var within = booked.Count(f => f.FirstSessionStartsAt <= ServiceLevels.AddBusinessDays(f.SubmittedAt, options.FirstSessionBusinessDays, options.TimeZone));
        return new TimeToFirstSessionReport(asOf, range.From, range.To, toSession.Count, toSession.MedianHours, toSession.P90Hours,
            toProposal, toAcceptance, new FirstSessionTarget(options.FirstSessionBusinessDays, within, Percentiles.Rate(within, booked.Count)),
            ToSession(booked.Where(f => f.SelfBooked)), ToSession(booked.Where(f => !f.SelfBooked)));
    }

    private static HoursSummary ToSession(IEnumerable<ReferralFacts> booked) =>
        HoursSummary.Of(booked.Select(f => f.FirstSessionStartsAt!.Value - f.SubmittedAt));
}

public static class TimeToFirstSessionReportEndpoint
{
    private static readonly string[] Header = ["measure", "count", "medianHours", "p90Hours"];

    [WolverineGet("/api/reports/time-to-first-session"), Authorize(Policy = Policies.Reports)]
    [ProducesResponseType<TimeToFirstSessionReport>(200)]
    public static async Task<IResult> Get(
        string? from, string? to, HttpContext http, IQuerySession session, MatchingOptions options, CancellationToken cancellation)
    {
        var (range, problem) = ReportRange.Parse(from, to);
        if (problem is not null) return Results.Problem(problem);

        var asOf = await ReportReads.AsOfAsync(session, cancellation);
        var report = TimeToFirstSessionReport.Compute(asOf, range!, await ReportReads.FactsAsync(session, range!, cancellation), options);
        if (!ReportCsv.Wanted(http.Request)) return Results.Ok(report);

        return ReportCsv.Result(http.Response, asOf, Header,
        [
            ["intakeToFirstSession", report.Count, report.MedianHours, report.P90Hours],
            ["intakeToSelfBookedFirstSession", report.SelfBooked.Count, report.SelfBooked.MedianHours, report.SelfBooked.P90Hours],
            ["intakeToCoordinatorBookedFirstSession", report.CoordinatorBooked.Count, report.CoordinatorBooked.MedianHours, report.CoordinatorBooked.P90Hours],
            ["intakeToFirstProposal", report.IntakeToFirstProposal.Count, report.IntakeToFirstProposal.MedianHours, report.IntakeToFirstProposal.P90Hours],
            ["firstProposalToAcceptance", report.FirstProposalToAcceptance.Count, report.FirstProposalToAcceptance.MedianHours, report.FirstProposalToAcceptance.P90Hours]
        ]);
    }
}
