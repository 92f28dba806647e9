using Marten;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals.Queue;
using Microsoft.AspNetCore.Mvc;

namespace Matching.Service.Web.Pages.Coordinator;

/// <summary>The coordinator queue: the API's filters and ordering, in the query string so a refresh keeps them.</summary>
public sealed class IndexModel(IQuerySession session, TimeProvider time, MatchingOptions options) : AppPage
{
    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true)] public string? Urgent { get; set; }
    [BindProperty(SupportsGet = true)] public string? Overdue { get; set; }
    [BindProperty(SupportsGet = true)] public string? Concern { get; set; }
    // Read from the query itself: "page" is also Razor Pages' route value naming the page.
    public string? PageNumber => Request.Query["page"].FirstOrDefault();
    [BindProperty(SupportsGet = true)] public string? PageSize { get; set; }

    public QueuePage? Queue { get; private set; }
    public TimeZoneInfo Zone => options.TimeZone;
    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellation)
    {
        Now = time.GetUtcNow();
        var (filter, problem) = QueueFilter.Parse(Status, Urgent, Overdue, Concern, null, PageNumber, PageSize ?? "25");
        if (problem is not null)
        {
            Show(problem);
            return;
        }
        Queue = await CoordinatorQueueEndpoint.Query(session, filter!, Now, options, cancellation);
    }

    /// <summary>This page's URL with one query value changed, the others kept.</summary>
    public string With(string key, string? value)
    {
        var query = new Dictionary<string, string?>
        {
            ["status"] = Status, ["urgent"] = Urgent, ["overdue"] = Overdue, ["concern"] = Concern, ["page"] = PageNumber,
            ["pageSize"] = PageSize
        };
        query[key] = value;
        return "/coordinator" + QueryString.Create(query.Where(kv => !string.IsNullOrEmpty(kv.Value)));
    }
}
