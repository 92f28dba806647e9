using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Infrastructure;
using Matching.Service.Reports;
using Matching.Service.Reports.Durations;
using Matching.Service.Reports.Funnel;
using Matching.Service.Reports.MatchOutcomes;
using Matching.Service.Reports.Waitlist;
using Microsoft.AspNetCore.Mvc;

namespace Matching.Service.Web.Pages.Reports;

/// <summary>The reports the API serves, computed by the same code from the same facts, drawn as SVG with their tables.</summary>
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
    public TimeZoneInfo Zone => options.TimeZone;

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
        Waitlist = WaitlistReport.Compute(AsOf, range!, facts, time.GetUtcNow());
    }
}
