using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Clinicians.Workload;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Matching.Service.Reports.Utilization;

/// <summary>Utilization = active clients ÷ caseload limit (null for a limit of 0); open proposals hold places too.</summary>
public sealed record UtilizationRow(
    Guid ClinicianId, string Name, bool AcceptingNewClients, int CaseloadLimit, int ActiveClients, int OpenProposals,
    int RemainingCapacity, double? Utilization);

/// <summary>
/// Current capacity of every clinician not offboarded, counted from the inline referral snapshots
/// when read (the same count matching uses), so it is as fresh as the last committed event.
/// Capacity is a present-tense fact: <c>from</c>/<c>to</c> are validated and echoed but do not narrow it.
/// </summary>
public sealed record UtilizationReport(
    ReportAsOf AsOf, DateOnly? From, DateOnly? To, int CaseloadLimit, int ActiveClients, int OpenProposals,
    double? Utilization, IReadOnlyList<UtilizationRow> Rows);

public static class UtilizationReportEndpoint
{
    private static readonly string[] Header =
        ["clinicianId", "name", "acceptingNewClients", "caseloadLimit", "activeClients", "openProposals", "remainingCapacity", "utilization"];

    [WolverineGet("/api/reports/utilization"), Authorize(Policy = Policies.Reports)]
    [ProducesResponseType<UtilizationReport>(200)]
    public static async Task<IResult> Get(
        string? from, string? to, HttpContext http, IQuerySession session, TimeProvider time, CancellationToken cancellation)
    {
        var (range, problem) = ReportRange.Parse(from, to);
        if (problem is not null) return Results.Problem(problem);

        var asOf = await ReportReads.LatestAsync(session, cancellation);
        var clinicians = await session.Query<Clinician>().Where(c => !c.Offboarded).ToListAsync(cancellation);
        var loads = await ClinicianWorkloads.ForAsync(session, clinicians.Select(c => c.Id).ToArray(), time.GetUtcNow(), cancellation);
        var rows = clinicians
            .Select(c => (Clinician: c, Load: loads.GetValueOrDefault(c.Id) ?? ClinicianWorkload.None(c.Id)))
            .Select(x => new UtilizationRow(x.Clinician.Id, x.Clinician.Profile.Name, x.Clinician.OpenToNewClients,
                x.Clinician.CaseloadLimit, x.Load.ActiveClients, x.Load.OpenProposals, x.Load.RemainingCapacity(x.Clinician.CaseloadLimit),
                Percentiles.Rate(x.Load.ActiveClients, x.Clinician.CaseloadLimit)))
            .OrderBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.ClinicianId)
            .ToList();
        var limit = rows.Sum(r => r.CaseloadLimit);
        var active = rows.Sum(r => r.ActiveClients);
        var report = new UtilizationReport(asOf, range!.From, range.To, limit, active, rows.Sum(r => r.OpenProposals),
            Percentiles.Rate(active, limit), rows);
        if (!ReportCsv.Wanted(http.Request)) return Results.Ok(report);

        return ReportCsv.Result(http.Response, asOf, Header, rows.Select(r => (IReadOnlyList<object?>)
            [r.ClinicianId, r.Name, r.AcceptingNewClients, r.CaseloadLimit, r.ActiveClients, r.OpenProposals, r.RemainingCapacity, r.Utilization]));
    }
}
