using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Infrastructure;
using Matching.Service.Reports;
using Matching.Service.Reports.Durations;
using Matching.Service.Reports.Funnel;
using Matching.Service.Reports.MatchOutcomes;
using Matching.Service.Reports.Reminders;
using Matching.Service.Reports.Waitlist;
using Microsoft.AspNetCore.Mvc;

namespace Matching.Service.Web.Pages.Reports;

/// <summary>
/// The reports the API serves, computed by the same code from the same facts, drawn as SVG with their tables, each with a
/// download of the CSV the API answers for it.
/// </summary>
public sealed class IndexModel(IQuerySession session, TimeProvider time, MatchingOptions options) : AppPage
{
    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    [BindProperty(SupportsGet = true)] public string? To { get; set; }

    public ReportAsOf? AsOf { get; private set; }
    public FunnelReport? Funnel { get; private set; }
    public MatchOutcomesReport? ByClinician { get; private set; }
    public MatchOutcomesReport? ByConcern { get; private set; }
    public TimeToFirstSessionReport? TimeToFirstSession { get; private set; }
    public WaitlistReport? Waitlist { get; private set; }
    public RemindersReport? Reminders { get; private set; }
    public TimeZoneInfo Zone => options.TimeZone;
    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>The reports offered as CSV: the name in the download link and the file, and what the file holds.</summary>
    public static readonly IReadOnlyDictionary<string, string> Downloads = new Dictionary<string, string>
    {
        ["funnel"] = "Funnel by intake month",
        ["funnel-by-source"] = "Funnel by source",
        ["match-outcomes-by-clinician"] = "Acceptance and decline reasons by clinician",
        ["match-outcomes-by-concern"] = "Acceptance and decline reasons by concern",
        ["time-to-first-session"] = "Time to first session",
        ["waitlist"] = "Waitlist",
        ["reminders"] = "Reminders and no-shows"
    };

    /// <summary>The funnel's stages, charted, as the page labels them and the key its cells carry.</summary>
    public static readonly IReadOnlyList<(string Label, string Key, Func<FunnelCounts, int> Count)> FunnelStages =
    [
        ("Submitted", "submitted", c => c.Submitted), ("Triaged", "triaged", c => c.Triaged), ("Proposed", "proposed", c => c.Proposed),
        ("Accepted", "accepted", c => c.Accepted), ("Booked", "booked", c => c.Booked), ("Attended", "attended", c => c.Attended)
    ];

    /// <summary>The rest of the funnel's counts, shown in its tables only: who booked, and the proposals behind the stages.</summary>
    public static readonly IReadOnlyList<(string Label, string Key, Func<FunnelCounts, int> Count)> FunnelDetails =
    [
        ("Booked by the client on their link", "self-booked", c => c.SelfBooked),
        ("Booked by a coordinator", "coordinator-booked", c => c.CoordinatorBooked),
        ("Attended, self-booked", "attended-self-booked", c => c.AttendedSelfBooked),
        ("Attended, booked by a coordinator", "attended-coordinator-booked", c => c.AttendedCoordinatorBooked),
        ("Proposals made", "proposals", c => c.Proposals), ("Re-matches", "rematches", c => c.Rematches)
    ];

    /// <summary>A source as the page names it: the public form, or the partner organization as its token named it.</summary>
    public static string SourceLabel(FunnelSource source) =>
        source.Source == ReferralFacts.PublicForm ? "Public form" : source.Organization ?? source.Source;

    /// <summary>The link that downloads a report's CSV for the dates shown.</summary>
    public string CsvLink(string report) =>
        "/reports" + QueryString.Create(new Dictionary<string, string?> { ["handler"] = "csv", ["report"] = report, ["from"] = From, ["to"] = To }
            .Where(kv => !string.IsNullOrEmpty(kv.Value)));

    /// <summary>
    /// The API's own CSV answer for the report (the same endpoint, asked for text/csv), as a file named after the report and its dates.
    /// </summary>
    public async Task<IActionResult> OnGetCsvAsync(string? report, CancellationToken cancellation)
    {
        if (report is null || !Downloads.ContainsKey(report)) return NotFound();
        Request.Headers.Accept = ReportCsv.ContentType;
        var answer = report switch
        {
            "funnel" => await FunnelReportEndpoint.Get(From, To, "month", HttpContext, session, cancellation),
            "funnel-by-source" => await FunnelReportEndpoint.Get(From, To, "source", HttpContext, session, cancellation),
            "match-outcomes-by-clinician" => await MatchOutcomesReportEndpoint.Get(From, To, "clinician", HttpContext, session, cancellation),
            "match-outcomes-by-concern" => await MatchOutcomesReportEndpoint.Get(From, To, "concern", HttpContext, session, cancellation),
            "time-to-first-session" => await TimeToFirstSessionReportEndpoint.Get(From, To, HttpContext, session, options, cancellation),
            "reminders" => await RemindersReportEndpoint.Get(From, To, HttpContext, session, options, cancellation),
            _ => await WaitlistReportEndpoint.Get(From, To, HttpContext, session, time, cancellation)
        };
        if (Response.Headers.ContainsKey("X-Report-As-Of-Sequence"))
        {
            var dates = string.Concat(new[] { From, To }.Select(d => string.IsNullOrEmpty(d) ? "" : "-" + d));
            Response.Headers.ContentDisposition = new Microsoft.Net.Http.Headers.ContentDispositionHeaderValue("attachment")
            {
                FileName = $"{report}{dates}.csv"
            }.ToString();
        }
        await answer.ExecuteAsync(HttpContext);
        return new EmptyResult();
    }

    public async Task OnGetAsync(CancellationToken cancellation)
    {
        var (range, problem) = ReportRange.Parse(From, To);
        if (problem is not null)
        {
            Show(problem);
            return;
        }
        AsOf = await ReportReads.AsOfAsync(session, cancellation);
        var facts = await ReportReads.FactsAsync(session, range!, cancellation);
        Funnel = FunnelReport.Compute(AsOf, range!, facts);

        var clinicianIds = facts.SelectMany(f => f.Proposals.Select(p => p.ClinicianId)).Distinct().ToArray();
        var names = clinicianIds.Length == 0
            ? new Dictionary<string, string>()
            : (await session.LoadManyAsync<Clinician>(cancellation, clinicianIds)).ToDictionary(c => c.Id.ToString(), c => c.Profile.Name);
        ByClinician = MatchOutcomesReport.Compute(AsOf, range!, OutcomeGrouping.Clinician, facts, key => names.GetValueOrDefault(key, key));
        ByConcern = MatchOutcomesReport.Compute(AsOf, range!, OutcomeGrouping.Concern, facts, Display.Key);
        TimeToFirstSession = TimeToFirstSessionReport.Compute(AsOf, range!, facts, options);
        Waitlist = WaitlistReport.Compute(AsOf, range!, facts, Now);
        Reminders = RemindersReport.Compute(AsOf, range!, facts, options);
    }
}
