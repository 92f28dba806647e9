using System.Text;
using System.Text.Json;
using Marten;
using Matching.Service.Shared;
using Npgsql;
using NpgsqlTypes;
using Weasel.Postgresql.Tables;

namespace Matching.Service.Referrals.Queue;

/// <summary>
/// The queue page as SQL an index can serve. The order (awaiting risk acknowledgement first, then overdue at
/// <c>now</c>, then oldest intake, then id) starts with a key computed from the clock, which no index holds;
/// so the page is read as four parts, one per (awaiting, overdue) pair, each in index order by
/// (submitted_at, id). Each part takes only the rows the page still needs after the parts before it
/// (a part that isn't needed never runs), and the page is sorted by (part, submitted_at, id) over at most
/// offset + pageSize rows. The documents are read for the page's rows only.
/// The total is exact and in the same round trip: summed from <see cref="QueueCounts"/> for the default queue or a
/// single status, counted otherwise.
/// </summary>
public static class QueueSql
{
    /// <summary>Every status but Closed: the default queue, and the predicate of the partial indexes below.</summary>
    private const string Open = "d.status <> 'Closed'";

    private static readonly (bool Awaiting, bool Overdue)[] Parts = [(true, true), (true, false), (false, true), (false, false)];

    /// <summary>
    /// Indexes that deliver each part in order: open rows by (awaiting, submitted_at, id), rows of one status
    /// likewise, with due_at and urgent carried along so the per-part conditions are checked in the index.
    /// The count of open rows reads a narrow partial index.
    /// </summary>
    public static void AddIndexes(StoreOptions opts) => opts.Policies.ForAllDocuments(mapping =>
    {
        if (mapping.DocumentType != typeof(ReferralQueueItem)) return;
        mapping.Indexes.Add(new IndexDefinition("mt_doc_referralqueueitem_idx_queue_open")
        {
            Columns = ["awaiting_risk_acknowledgement", "submitted_at", "id"],
            IncludeColumns = ["due_at", "urgent"],
            Predicate = "status <> 'Closed'"
        });
        mapping.Indexes.Add(new IndexDefinition("mt_doc_referralqueueitem_idx_queue_status")
        {
            Columns = ["status", "awaiting_risk_acknowledgement", "submitted_at", "id"],
            IncludeColumns = ["due_at", "urgent"]
        });
        mapping.Indexes.Add(new IndexDefinition("mt_doc_referralqueueitem_idx_queue_open_count")
        {
            Columns = ["urgent"],
            Predicate = "status <> 'Closed'"
        });
    });

    /// <summary>
    /// Two statements: the total, then the page's rows (id, data, mt_version, the clinician's name) in queue order.
    /// Every value from the client is a parameter.
    /// </summary>
    public static NpgsqlCommand Command(string table, string clinicians, QueueFilter filter, DateTimeOffset now)
    {
        var command = new NpgsqlCommand();
        var conditions = new List<string>();
        if (filter.Status is { } status)
        {
            conditions.Add("d.status = @status");
            command.Parameters.Add(new NpgsqlParameter("status", NpgsqlDbType.Varchar) { Value = status.ToString() });
        }
        else conditions.Add(Open);
        if (filter.Urgent is { } urgent)
        {
            conditions.Add("d.urgent = @urgent");
            command.Parameters.AddWithValue("urgent", urgent);
        }
        if (filter.Concern is { } concern)
        {
            // Marten stores enums by name; the GIN index on data serves containment.
            conditions.Add("d.data @> @concern");
            command.Parameters.Add(new NpgsqlParameter("concern", NpgsqlDbType.Jsonb)
            {
                Value = JsonSerializer.Serialize(new { concerns = new[] { concern.ToString() } })
            });
        }
        if (filter.ClinicianId is { } clinicianId)
        {
            conditions.Add("d.clinician_id = @clinician");
            command.Parameters.AddWithValue("clinician", clinicianId);
        }
        if (filter.Search is { } search) conditions.Add(search.Condition(command));
        command.Parameters.Add(new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = now.ToUniversalTime() });
        var offset = (long)(filter.Page - 1) * filter.PageSize;
        command.Parameters.AddWithValue("offset", offset);
        command.Parameters.AddWithValue("size", (long)filter.PageSize);
        command.Parameters.AddWithValue("needed", offset + filter.PageSize);

        var where = string.Join(" and ", conditions);
        var parts = Parts.Where(p => filter.Overdue is not { } overdue || p.Overdue == overdue).ToArray();
        var countWhere = filter.Overdue switch
        {
            true => $"{where} and {Overdue(true)}",
            false => $"{where} and {Overdue(false)}",
            null => where
        };

        var sql = new StringBuilder();
        // The default queue and a single status are sums of the trigger-kept counts (exact, a few dozen rows);
        // any other filter counts its rows.
        if (filter is { Urgent: null, Overdue: null, Concern: null, ClinicianId: null, Search: null })
            sql.Append($"select coalesce(sum(d.referrals), 0)::bigint from {QueueCounts.Table} as d where {where};\n");
        else sql.Append($"select count(*) from {table} as d where {countWhere};\n");
        if (filter.Sort is not null || filter.Search is not null)
        {
            // A column order reads its index (or, for a search, the few rows found) in that order; a search without
            // one keeps the queue's order, computed on the rows found.
            var order = filter.Sort?.OrderBy()
                        ?? $"d.awaiting_risk_acknowledgement desc, {Overdue(true)} desc nulls last, d.submitted_at, d.id";
            sql.Append($"""
                select d.id, d.data, d.mt_version, c.data -> 'profile' ->> 'name'
                from {table} as d left join {clinicians} as c on c.id = d.clinician_id
                where {countWhere}
                order by {order}
                offset @offset limit @size
                """);
            command.CommandText = sql.ToString();
            return command;
        }
        sql.Append("with ");
        for (var i = 0; i < parts.Length; i++)
        {
            var (awaiting, overdue) = parts[i];
            // The rows the parts before this one already give are not needed from it; a limit of 0 never reads.
            var taken = string.Concat(Enumerable.Range(0, i).Select(j => $" - (select count(*) from p{j})"));
            sql.Append($"""
                p{i} as (select d.submitted_at, d.id from {table} as d
                  where {where} and {(awaiting ? "" : "not ")}d.awaiting_risk_acknowledgement and {Overdue(overdue)}
                  order by d.submitted_at, d.id limit @needed{taken}),

                """);
        }
        sql.Append($"""
            page as (select u.part, u.submitted_at, u.id from ({string.Join(" union all ", parts.Select((_, i) => $"select {i} as part, p{i}.* from p{i}"))}) as u
              order by u.part, u.submitted_at, u.id offset @offset limit @size)
            select q.id, q.data, q.mt_version, c.data -> 'profile' ->> 'name'
            from page as p join {table} as q on q.id = p.id left join {clinicians} as c on c.id = q.clinician_id
            order by p.part, p.submitted_at, p.id
            """);
        command.CommandText = sql.ToString();
        return command;
    }

    private static string Overdue(bool overdue) =>
        overdue ? "d.due_at < @now" : "not coalesce(d.due_at < @now, false)";
}
