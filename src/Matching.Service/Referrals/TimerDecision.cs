namespace Matching.Service.Referrals;

/// <summary>
/// What a timer decides when it fires: events to append (none when the moment has passed or was
/// already acted on), and, when it fired before its due time, when to look again.
/// </summary>
public sealed record TimerDecision(IReadOnlyList<object> Events, DateTimeOffset? LookAgainAt = null)
{
    public static readonly TimerDecision Nothing = new([]);

    public static TimerDecision Append(params object[] events) => new(events);

    public static TimerDecision Early(DateTimeOffset dueAt) => new([], dueAt);
}
