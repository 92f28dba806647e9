using Marten;
using Matching.Service.Audit;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals.Queue;
using Microsoft.AspNetCore.Mvc;

namespace Matching.Service.Web.Pages.Compliance;

/// <summary>
/// Compliance's start: the trail's integrity, the audit trail of one user within a time range,
/// recent referrals to open, and the export (streamed by this page, recorded as the API records it).
/// </summary>
public sealed class IndexModel(IDocumentSession session, IDocumentStore store, MatchingOptions options, AuditAnchor anchor) : AppPage
{
    [BindProperty(SupportsGet = true)] public string? Sub { get; set; }
    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    [BindProperty(SupportsGet = true)] public string? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReferralId { get; set; }

    public IntegrityReport? Integrity { get; private set; }
    public IReadOnlyList<AuditEntry>? ActorEntries { get; private set; }
    public IReadOnlyList<ReferralQueueItem> Recent { get; private set; } = [];
    public TimeZoneInfo Zone => options.TimeZone;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellation)
    {
        if (!string.IsNullOrWhiteSpace(ReferralId))
        {
            if (Guid.TryParse(ReferralId.Trim(), out var id)) return Redirect($"/compliance/referrals/{id}");
            Errors["referralId"] = ["Give a referral id (a GUID)."];
        }

        Integrity = await AuditIntegrity.VerifyAsync(store, anchor.Key, cancellation);
        Recent = await session.Query<ReferralQueueItem>().OrderByDescending(q => q.SubmittedAt).Take(15).ToListAsync(cancellation);

        if (!string.IsNullOrWhiteSpace(Sub))
        {
            var (range, problem) = AuditRange.Parse(From, To, options);
            if (problem is not null)
            {
                Show(problem);
                return Page();
            }
            var sub = Sub.Trim();
            ActorEntries = await session.Query<AuditEntry>().Where(x => x.ActorSub == sub).Within(range!).OrderBy(x => x.Id)
                .ToListAsync(cancellation);
            AccessLog.RecordSearch(session, AccessLog.AuditActor, $"sub={sub}&{range!.Describe()}");
            await session.SaveChangesAsync(cancellation);
        }
        return Page();
    }

    /// <summary>The whole trail (or a time range) as CSV or NDJSON, streamed page by page; recorded before the first byte.</summary>
    public async Task<IActionResult> OnGetExportAsync(string? format, CancellationToken cancellation)
    {
        var (range, problem) = AuditRange.Parse(From, To, options);
        if (problem is not null)
        {
            Show(problem);
            return await OnGetAsync(cancellation);
        }
        var csv = format == "csv";
        AccessLog.RecordSearch(session, AccessLog.AuditExport, $"format={(csv ? "csv" : "ndjson")}&{range!.Describe()}");
        await session.SaveChangesAsync(cancellation);

        Response.ContentType = csv ? "text/csv; charset=utf-8" : "application/x-ndjson";
        Response.Headers.ContentDisposition = $"attachment; filename=audit.{(csv ? "csv" : "ndjson")}";
        await using var query = store.QuerySession();
        await AuditExport.WriteAsync(query, range, csv, Response.Body, cancellation);
        return new EmptyResult();
    }
}
