using Marten;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Matching.Service.Reports;

/// <summary>Intake dates a report covers, both inclusive, in the practice's time zone; null ends are open.</summary>
public sealed record ReportRange(DateOnly? From, DateOnly? To)
{
    public static (ReportRange? Range, ProblemDetails? Problem) Parse(string? from, string? to)
    {
        var errors = new Dictionary<string, string[]>();
        var parsedFrom = ParseDate(from, "from", errors);
        var parsedTo = ParseDate(to, "to", errors);
        if (parsedFrom is { } f && parsedTo is { } t && f > t) errors["to"] = ["'to' must not be before 'from'."];
        return errors.Count > 0 ? (null, Problems.Invalid(errors)) : (new ReportRange(parsedFrom, parsedTo), null);
    }

    private static DateOnly? ParseDate(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (QueryDates.TryParse(value, out var date))
        {
            if (QueryDates.InRange(date)) return date;
            errors[field] = [QueryDates.OutOfRange];
            return null;
        }
        errors[field] = ["Give an intake date as YYYY-MM-DD."];
        return null;
    }
}

/// <summary>
/// How fresh a report is: the last event the report projection has processed (its sequence and
/// when it was recorded), and the latest event in the store; equal sequences mean fully caught up.
/// </summary>
public sealed record ReportAsOf(long Sequence, DateTimeOffset? At, long LatestSequence)
{
    /// <summary>Events recorded that the report doesn't reflect yet (0 when caught up): no worker running, or one catching up.</summary>
    public long Behind => Math.Max(0, LatestSequence - Sequence);
}

public static class ReportReads
{
    public const string FactsShard = nameof(ReferralFacts) + ":All";

    private const string AsOfSql = """
        select json_build_object(
            'sequence', coalesce(p.last_seq_id, 0),
            'at', e.timestamp,
            'latestSequence', (select coalesce(max(seq_id), 0) from {schema}.mt_events))
        from (select 1) as one
        left join {schema}.mt_event_progression p on p.name = ^
        left join {schema}.mt_events e on e.seq_id = p.last_seq_id
        """;

    private const string LatestSql = """
        select json_build_object('sequence', coalesce(e.seq_id, 0), 'at', e.timestamp, 'latestSequence', coalesce(e.seq_id, 0))
        from (select 1) as one
        left join lateral (select seq_id, timestamp from {schema}.mt_events order by seq_id desc limit 1) e on true
        """;

    /// <summary>The facts projection's position. Read before the facts, so the facts are at least this fresh.</summary>
    public static async Task<ReportAsOf> AsOfAsync(IQuerySession session, CancellationToken cancellation)
    {
        var sql = AsOfSql.Replace("{schema}", session.DocumentStore.Options.Events.DatabaseSchemaName);
        var rows = await session.AdvancedSql.QueryAsync<ReportAsOf>('^', sql, cancellation, FactsShard);
        return rows.Single();
    }

    /// <summary>For reports read from inline data (current to the last committed event).</summary>
    public static async Task<ReportAsOf> LatestAsync(IQuerySession session, CancellationToken cancellation)
    {
        var sql = LatestSql.Replace("{schema}", session.DocumentStore.Options.Events.DatabaseSchemaName);
        var rows = await session.AdvancedSql.QueryAsync<ReportAsOf>('^', sql, cancellation);
        return rows.Single();
    }

    public static async Task<IReadOnlyList<ReferralFacts>> FactsAsync(IQuerySession session, ReportRange range, CancellationToken cancellation)
    {
        IQueryable<ReferralFacts> query = session.Query<ReferralFacts>();
        if (range.From is { } from) query = query.Where(f => f.IntakeDate >= from);
        if (range.To is { } to) query = query.Where(f => f.IntakeDate <= to);
        return await query.ToListAsync(cancellation);
    }
}
