using Marten;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Queue;
using Matching.Service.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Matching.Service.Web.Pages.Coordinator;

/// <summary>
/// The coordinator queue: status tabs with the kept counts, search, column sorting and pages, all in the query string so a
/// refresh or a shared link keeps them. The awaiting-triage tab lists the newest intake first, so a new request is on its first page.
/// </summary>
public sealed class IndexModel(IDocumentSession session, TimeProvider time, MatchingOptions options) : AppPage
{
    public static readonly int[] PageSizes = [25, 50, 100];

    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true)] public string? Urgent { get; set; }
    [BindProperty(SupportsGet = true)] public string? Overdue { get; set; }
    [BindProperty(SupportsGet = true)] public string? Concern { get; set; }
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public string? Sort { get; set; }
    // Read from the query itself: "page" is also Razor Pages' route value naming the page.
    public string? PageNumber => Request.Query["page"].FirstOrDefault();
    [BindProperty(SupportsGet = true)] public string? PageSize { get; set; }

    public QueuePage? Queue { get; private set; }
    public IReadOnlyDictionary<ReferralStatus, long> Counts { get; private set; } = new Dictionary<ReferralStatus, long>();
    public long OpenCount => Counts.Where(c => c.Key != ReferralStatus.Closed).Sum(c => c.Value);
    /// <summary>The order the rows are in: the one asked for, else the tab's own.</summary>
    public QueueSort? Order { get; private set; }
    public TimeZoneInfo Zone => options.TimeZone;
    public DateTimeOffset Now { get; private set; }
    public int Pages => Queue is { } q ? Math.Max(1, (int)Math.Ceiling(q.Total / (double)q.PageSize)) : 1;

    public async Task OnGetAsync(CancellationToken cancellation)
    {
        Now = time.GetUtcNow();
        Counts = await QueueCounts.ReadAsync(session, cancellation);
        var (filter, problem) = QueueFilter.Parse(Status, Urgent, Overdue, Concern, null, PageNumber, PageSize ?? PageSizes[0].ToString(), Q, Sort);
        if (problem is not null)
        {
            Show(problem);
            return;
        }
        // New intakes are what the triage tab is for: unacknowledged risk first, then the newest, never behind older ones.
        Order = filter!.Sort ?? (filter.Status == ReferralStatus.AwaitingTriage ? QueueSort.Newest : null);
        filter = filter with { Sort = Order };
        Queue = await CoordinatorQueueEndpoint.Query(session, filter, Now, options, cancellation);
        await CoordinatorQueueEndpoint.RecordSearchAsync(session, filter, Queue, cancellation);
    }

    /// <summary>What the table's order is, in words, for its caption.</summary>
    public string OrderCaption => Order switch
    {
        null => "Risk awaiting acknowledgement first, then overdue, then oldest intake",
        { Key: QueueSortKey.Newest } => "Risk awaiting acknowledgement first, then newest first",
        { Key: var key, Descending: var descending } => $"Sorted by {key.ToString().ToLowerInvariant()}, {(descending ? "descending" : "ascending")}"
    };

    /// <summary>The aria-sort value of a sortable column's header.</summary>
    public string AriaSort(QueueSortKey key) =>
        Order is { } order && order.Key == key ? (order.Descending ? "descending" : "ascending") : "none";

    /// <summary>The link a column's sort button follows: ascending first, the other way when it already sorts ascending.</summary>
    public string SortLink(QueueSortKey key) =>
        With(("sort", new QueueSort(key, Order is { } o && o.Key == key && !o.Descending).ToString()), ("page", null));

    public string Tab(ReferralStatus? status) =>
        With(("status", status is { } s ? Words.Wire(s) : null), ("page", null), ("sort", null));

    /// <summary>This page's URL with one query value changed, the others kept.</summary>
    public string With(string key, string? value) => With((key, value));

    public string With(params (string Key, string? Value)[] changes)
    {
        var query = new Dictionary<string, string?>
        {
            ["status"] = Status, ["urgent"] = Urgent, ["overdue"] = Overdue, ["concern"] = Concern, ["q"] = Q, ["sort"] = Sort,
            ["page"] = PageNumber, ["pageSize"] = PageSize
        };
        foreach (var (key, value) in changes) query[key] = value;
        return "/coordinator" + QueryString.Create(query.Where(kv => !string.IsNullOrEmpty(kv.Value)));
    }

    /// <summary>The page numbers the pager offers: the first, the last and two either side of the current one; 0 marks a gap.</summary>
    public IEnumerable<int> PagerNumbers()
    {
        var current = Queue?.Page ?? 1;
        var shown = new SortedSet<int> { 1, Pages };
        for (var p = Math.Max(1, current - 2); p <= Math.Min(Pages, current + 2); p++) shown.Add(p);
        var previous = 0;
        foreach (var p in shown)
        {
            if (p > previous + 1) yield return 0;
            yield return p;
            previous = p;
        }
    }
}
