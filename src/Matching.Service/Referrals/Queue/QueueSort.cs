namespace Matching.Service.Referrals.Queue;

/// <summary>What a queue column sorts by.</summary>
public enum QueueSortKey
{
    /// <summary>The client's name, A to Z.</summary>
    Client,
    /// <summary>The status, in lifecycle order (awaiting triage first).</summary>
    Status,
    /// <summary>Time since intake, shortest wait first.</summary>
    Waiting,
    /// <summary>Due time, soonest (or most overdue) first; rows with nothing due last.</summary>
    Due,
    /// <summary>Risk awaiting acknowledgement first, then the newest intake first: how new intakes are triaged.</summary>
    Newest
}

/// <summary>
/// A queue order from the query string: a column name, ascending, or with a leading "-" descending ("due", "-waiting").
/// "newest" has one direction.
/// </summary>
public sealed record QueueSort(QueueSortKey Key, bool Descending)
{
    public static readonly QueueSort Newest = new(QueueSortKey.Newest, false);

    public static IEnumerable<string> Names =>
        Enum.GetValues<QueueSortKey>().SelectMany(k => k == QueueSortKey.Newest
            ? [Name(k)]
            : new[] { Name(k), "-" + Name(k) });

    public static QueueSort? Parse(string text)
    {
        var descending = text.StartsWith('-');
        var name = descending ? text[1..] : text;
        foreach (var key in Enum.GetValues<QueueSortKey>())
        {
            if (!string.Equals(Name(key), name, StringComparison.OrdinalIgnoreCase)) continue;
            return key == QueueSortKey.Newest && descending ? null : new QueueSort(key, descending);
        }
        return null;
    }

    public override string ToString() => (Descending ? "-" : "") + Name(Key);

    private static string Name(QueueSortKey key) => key.ToString().ToLowerInvariant();

    /// <summary>Statuses in the order a referral moves through them, for sorting by status.</summary>
    public static readonly ReferralStatus[] Lifecycle =
    [
        ReferralStatus.AwaitingTriage, ReferralStatus.AwaitingMatch, ReferralStatus.Proposed, ReferralStatus.Accepted,
        ReferralStatus.Booked, ReferralStatus.Waitlisted, ReferralStatus.Closed
    ];

    /// <summary>The ORDER BY keys on the queue row <c>d</c>; every key ends with the id so pages never overlap.</summary>
    public string OrderBy()
    {
        var direction = Descending ? "desc" : "asc";
        var reverse = Descending ? "asc" : "desc";
        return Key switch
        {
            QueueSortKey.Client => $"lower(d.data ->> 'clientName') {direction}, d.id {direction}",
            QueueSortKey.Status =>
                $"array_position(array[{string.Join(", ", Lifecycle.Select(s => $"'{s}'"))}], d.status::text) {direction}, d.submitted_at, d.id",
            // Shortest wait is the latest intake.
            QueueSortKey.Waiting => $"d.submitted_at {reverse}, d.id {reverse}",
            QueueSortKey.Due => $"d.due_at {direction} nulls last, d.id {direction}",
            _ => "d.awaiting_risk_acknowledgement desc, d.submitted_at desc, d.id desc"
        };
    }
}
