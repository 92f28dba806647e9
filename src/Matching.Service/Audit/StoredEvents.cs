using System.Text.Json;
using Marten;

namespace Matching.Service.Audit;

/// <summary>One event's data exactly as the event table holds it.</summary>
public sealed record StoredEvent(long Sequence, Guid StreamId, JsonElement Data);

/// <summary>
/// The events' stored JSON, which the trail keeps and hashes: re-serializing the event objects does not give it back
/// (property order, enum spellings, upcast shapes), and Marten has no public API that hands out an event's stored data.
/// So this reads Marten's event table by SQL, as one JSON document per row through the session's own connection and
/// transaction; it is the only place that knows the table's columns (<c>seq_id</c>, <c>stream_id</c>, <c>data</c>).
/// </summary>
public static class StoredEvents
{
    private const string Sql = """
        select json_build_object('sequence', seq_id, 'streamId', stream_id, 'data', data)
        from {schema}.mt_events where seq_id >= ^ and seq_id < ^ order by seq_id
        """;

    /// <summary>The events with <paramref name="from"/> &lt;= sequence &lt; <paramref name="to"/>, in sequence order.</summary>
    public static async Task<IReadOnlyList<StoredEvent>> ReadAsync(IQuerySession session, long from, long to, CancellationToken cancellation)
    {
        var sql = Sql.Replace("{schema}", session.DocumentStore.Options.Events.DatabaseSchemaName);
        return await session.AdvancedSql.QueryAsync<StoredEvent>('^', sql, cancellation, from, to);
    }
}
