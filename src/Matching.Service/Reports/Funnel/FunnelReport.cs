using Marten;
using Matching.Service.Infrastructure;
using Matching.Service.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Matching.Service.Reports.Funnel;

/// <summary>
/// Referrals that ever reached each stage; proposals made and re-matches among them. Booked and attended are split by who
/// booked the first session as it stands: the client on their link (self-booked) or a coordinator.
/// </summary>
public sealed record FunnelCounts(
    int Submitted, int Triaged, int Proposed, int Accepted, int Booked, int Attended, int Proposals, int Rematches,
    int SelfBooked, int CoordinatorBooked, int AttendedSelfBooked, int AttendedCoordinatorBooked)
{
    public static FunnelCounts Of(IReadOnlyCollection<ReferralFacts> facts) => new(
        facts.Count,
        facts.Count(f => f.TriagedAt is not null),
        facts.Count(f => f.FirstProposalAt is not null),
        facts.Count(f => f.FirstAcceptanceAt is not null),
        facts.Count(f => f.FirstBookedAt is not null),
        facts.Count(f => f.AttendedAt is not null),
        facts.Sum(f => f.Proposals.Count),
        facts.Sum(f => f.Rematches),
        facts.Count(f => f.FirstBookedAt is not null && f.SelfBooked),
        facts.Count(f => f.FirstBookedAt is not null && !f.SelfBooked),
        facts.Count(f => f.AttendedAt is not null && f.SelfBooked),
        facts.Count(f => f.AttendedAt is not null && !f.SelfBooked));
}

public sealed record FunnelMonth(string Month, FunnelCounts Counts);

/// <summary>The funnel of the referrals from one source: the public form, or one partner organization's system.</summary>
public sealed record FunnelSource(string Source, string? Organization, FunnelCounts Counts);

public sealed record FunnelReport(
    ReportAsOf AsOf, DateOnly? From, DateOnly? To,
    int Submitted, int Triaged, int Proposed, int Accepted, int Booked, int Attended, int Proposals, int Rematches,
    int SelfBooked, int CoordinatorBooked, int AttendedSelfBooked, int AttendedCoordinatorBooked,
    IReadOnlyList<FunnelMonth> Months,
    IReadOnlyList<FunnelSource> BySource)
{
    public static FunnelReport Compute(ReportAsOf asOf, ReportRange range, IReadOnlyList<ReferralFacts> facts)
    {
        var all = FunnelCounts.Of(facts);
        var months = facts.GroupBy(f => f.Month).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new FunnelMonth(g.Key, FunnelCounts.Of(g.ToList()))).ToList();
        // The public form first, then each partner organization by name.
        var sources = facts.GroupBy(f => (f.Source, f.Organization))
            .OrderBy(g => g.Key.Source == ReferralFacts.PublicForm ? 0 : 1).ThenBy(g => g.Key.Organization, StringComparer.Ordinal)
            .Select(g => new FunnelSource(g.Key.Source, g.Key.Organization, FunnelCounts.Of(g.ToList()))).ToList();
        return new FunnelReport(asOf, range.From, range.To, all.Submitted, all.Triaged, all.Proposed, all.Accepted,
            all.Booked, all.Attended, all.Proposals, all.Rematches,
            all.SelfBooked, all.CoordinatorBooked, all.AttendedSelfBooked, all.AttendedCoordinatorBooked, months, sources);
    }

    /// <summary>The counts of every referral in the range, as one row beside the months' and the sources'.</summary>
    public FunnelCounts Total() => new(Submitted, Triaged, Proposed, Accepted, Booked, Attended, Proposals, Rematches,
        SelfBooked, CoordinatorBooked, AttendedSelfBooked, AttendedCoordinatorBooked);
}

/// <summary>The rows of the funnel's CSV: one per intake month, or one per source; then the total.</summary>
public enum FunnelGrouping { Month, Source }

public static class FunnelReportEndpoint
{
    private static readonly string[] Counts =
        ["submitted", "triaged", "proposed", "accepted", "booked", "attended", "proposals", "rematches",
            "selfBooked", "coordinatorBooked", "attendedSelfBooked", "attendedCoordinatorBooked"];

    [WolverineGet("/api/reports/funnel"), Authorize(Policy = Policies.Reports)]
    [ProducesResponseType<FunnelReport>(200)]
    public static async Task<IResult> Get(
        string? from, string? to, string? groupBy, HttpContext http, IQuerySession session, CancellationToken cancellation)
    {
        var (range, problem) = ReportRange.Parse(from, to);
        FunnelGrouping? grouping = string.IsNullOrEmpty(groupBy)
            ? FunnelGrouping.Month
            : Enum.GetValues<FunnelGrouping>().Cast<FunnelGrouping?>()
                .FirstOrDefault(g => string.Equals(Words.Wire(g!.Value), groupBy, StringComparison.OrdinalIgnoreCase));
        if (grouping is null)
        {
            var errors = (problem as HttpValidationProblemDetails)?.Errors ?? new Dictionary<string, string[]>();
            errors["groupBy"] = ["Group by month or source."];
            problem = Problems.Invalid(errors);
        }
        if (problem is not null) return Results.Problem(problem);

        var asOf = await ReportReads.AsOfAsync(session, cancellation);
        var report = FunnelReport.Compute(asOf, range!, await ReportReads.FactsAsync(session, range!, cancellation));
        if (!ReportCsv.Wanted(http.Request)) return Results.Ok(report);

        // The JSON holds both splits; the CSV is one table, so it takes the one asked for. The last row is the total.
        return grouping == FunnelGrouping.Source
            ? ReportCsv.Result(http.Response, asOf, ["source", "organization", ..Counts],
                report.BySource.Select(s => Row([s.Source, s.Organization], s.Counts)).Append(Row(["all", null], report.Total())))
            : ReportCsv.Result(http.Response, asOf, ["month", ..Counts],
                report.Months.Select(m => Row([m.Month], m.Counts)).Append(Row(["all"], report.Total())));
    }

    private static IReadOnlyList<object?> Row(object?[] keys, FunnelCounts c) =>
    [
        ..keys, c.Submitted, c.Triaged, c.Proposed, c.Accepted, c.Booked, c.Attended, c.Proposals, c.Rematches,
        c.SelfBooked, c.CoordinatorBooked, c.AttendedSelfBooked, c.AttendedCoordinatorBooked
    ];
}
