using Npgsql;
using NpgsqlTypes;

namespace Matching.LoadBench;

/// <summary>
/// (a1) PostgreSQL's own limit for one-row insert transactions, and (a2) the statements Marten sends
/// for one intake and one contact attempt (read from PostgreSQL's statement log of real requests),
/// written by hand over plain Npgsql, with the payloads of real rows.
/// </summary>
public sealed class RawScenarios(NpgsqlDataSource db)
{
    public const string EventTableDdl = """
        create table if not exists bench_events (
            seq_id bigserial primary key, id uuid not null, stream_id uuid, version bigint not null, data jsonb not null,
            bdata bytea, type varchar(500) not null, timestamp timestamptz not null default now(), tenant_id varchar default '*DEFAULT*',
            mt_dotnet_type varchar, correlation_id varchar, causation_id varchar, headers jsonb, user_name varchar,
            is_archived bool default false);
        truncate bench_events;
        """;

    private string _eventJson = "";
    private string _headersJson = "";
    private string _referralJson = "";
    private string _queueJson = "";

    /// <summary>Takes the payloads of a real intake's rows (stream <paramref name="sample" />) as templates.</summary>
    public async Task PrepareAsync(Guid sample)
    {
        await using (var ddl = db.CreateCommand(EventTableDdl)) await ddl.ExecuteNonQueryAsync();
        await using var read = db.CreateCommand("""
            select e.data::text, e.headers::text, r.data::text, q.data::text
            from matching.mt_events e join matching.mt_doc_referral r on r.id = e.stream_id
            join matching.mt_doc_referralqueueitem q on q.id = e.stream_id
            where e.stream_id = $1 and e.version = 1
            """);
        read.Parameters.AddWithValue(sample);
        await using var reader = await read.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) throw new InvalidOperationException("The sample referral was not found.");
        (_eventJson, _headersJson, _referralJson, _queueJson) = (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
    }

    /// <summary>(a1) One INSERT of an event-sized row, its own transaction (autocommit), as pgbench does.</summary>
    public async Task InsertOneRowAsync()
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var insert = new NpgsqlCommand(
            "insert into bench_events (id, stream_id, version, data, type, mt_dotnet_type, headers, user_name) values ($1, $2, 1, $3, 'intake_submitted_v2', 'x', $4, 'bench')",
            connection);
        insert.Parameters.AddWithValue(Guid.CreateVersion7());
        insert.Parameters.AddWithValue(Guid.CreateVersion7());
        insert.Parameters.Add(new NpgsqlParameter { Value = _eventJson, NpgsqlDbType = NpgsqlDbType.Jsonb });
        insert.Parameters.Add(new NpgsqlParameter { Value = _headersJson, NpgsqlDbType = NpgsqlDbType.Jsonb });
        await insert.ExecuteNonQueryAsync();
    }

    public const string QuickAppendSql =
        "select matching.mt_quick_append_events($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)";

    public const string ReferralUpsertSql =
        """insert into matching.mt_doc_referral (id, data, "mt_version", "mt_dotnet_type", "mt_last_modified", "submitted_at") values ($1, $2, CASE WHEN $3 = 0 THEN COALESCE((select version from matching.mt_streams where matching.mt_streams.id = $4), 1) ELSE $5 END, $6, transaction_timestamp(), $7) on conflict (id) do update set data = excluded.data, mt_version = CASE WHEN $8 = 0 THEN COALESCE((select version from matching.mt_streams where matching.mt_streams.id = matching.mt_doc_referral.id), matching.mt_doc_referral.mt_version + 1) ELSE $9 END, "mt_dotnet_type" = excluded."mt_dotnet_type", "mt_last_modified" = excluded."mt_last_modified", "submitted_at" = excluded."submitted_at" where $10 = 0 or COALESCE((select version from matching.mt_streams where matching.mt_streams.id = matching.mt_doc_referral.id), 0) <= $11 returning mt_version""";

    public const string QueueUpsertSql =
        """insert into matching.mt_doc_referralqueueitem (id, data, "mt_version", "mt_dotnet_type", "mt_last_modified", "status", "urgent", "awaiting_risk_acknowledgement", "submitted_at", "clinician_id", "due_at") values ($1, $2, CASE WHEN $3 = 0 THEN COALESCE((select version from matching.mt_streams where matching.mt_streams.id = $4), 1) ELSE $5 END, $6, transaction_timestamp(), $7, $8, $9, $10, $11, $12) on conflict (id) do update set data = excluded.data, mt_version = CASE WHEN $13 = 0 THEN COALESCE((select version from matching.mt_streams where matching.mt_streams.id = matching.mt_doc_referralqueueitem.id), matching.mt_doc_referralqueueitem.mt_version + 1) ELSE $14 END, "mt_dotnet_type" = excluded."mt_dotnet_type", "mt_last_modified" = excluded."mt_last_modified", "status" = excluded."status", "urgent" = excluded."urgent", "awaiting_risk_acknowledgement" = excluded."awaiting_risk_acknowledgement", "submitted_at" = excluded."submitted_at", "clinician_id" = excluded."clinician_id", "due_at" = excluded."due_at" where $15 = 0 or COALESCE((select version from matching.mt_streams where matching.mt_streams.id = matching.mt_doc_referralqueueitem.id), 0) <= $16 returning mt_version""";

    /// <summary>(a2) One intake: BEGIN; quick append of the stream and its event; referral snapshot; queue row; COMMIT.</summary>
    public async Task IntakeAsync()
    {
        var id = Guid.CreateVersion7();
        var now = DateTimeOffset.UtcNow;
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using var batch = new NpgsqlBatch(connection, tx);
        batch.BatchCommands.Add(QuickAppend(id, "intake_submitted_v2", "Matching.Service.Referrals.IntakeSubmitted, Matching.Service", _eventJson, null));
        batch.BatchCommands.Add(ReferralUpsert(id, _referralJson, now));
        batch.BatchCommands.Add(QueueUpsert(id, _queueJson, now));
        await batch.ExecuteNonQueryAsync();
        await tx.CommitAsync();
    }

    /// <summary>
    /// (a2) One contact attempt: read the stream version and the referral snapshot (one batch), read the
    /// queue row (the inline projection loads it), then BEGIN; quick append; snapshot; queue row; COMMIT.
    /// </summary>
    public async Task ContactAttemptAsync(Guid id)
    {
        await using var connection = await db.OpenConnectionAsync();
        long version;
        string referral;
        await using (var fetch = new NpgsqlBatch(connection))
        {
            fetch.BatchCommands.Add(new NpgsqlBatchCommand("select version from matching.mt_streams where id = $1") { Parameters = { new() { Value = id } } });
            fetch.BatchCommands.Add(new NpgsqlBatchCommand("select d.id, d.data, d.mt_version from matching.mt_doc_referral as d where id = $1")
                { Parameters = { new() { Value = id } } });
            await using var reader = await fetch.ExecuteReaderAsync();
            await reader.ReadAsync();
            version = reader.GetInt64(0);
            await reader.NextResultAsync();
            await reader.ReadAsync();
            referral = reader.GetString(1);
        }

        string queue;
        await using (var load = new NpgsqlCommand("select d.id, d.data, d.mt_version from matching.mt_doc_referralqueueitem as d where id = ANY($1)", connection))
        {
            load.Parameters.AddWithValue(new[] { id });
            await using var reader = await load.ExecuteReaderAsync();
            await reader.ReadAsync();
            queue = reader.GetString(1);
        }

        var now = DateTimeOffset.UtcNow;
        await using var tx = await connection.BeginTransactionAsync();
        await using var batch = new NpgsqlBatch(connection, tx);
        batch.BatchCommands.Add(QuickAppend(id, "contact_attempted", "Matching.Service.Referrals.ContactAttempted, Matching.Service",
            """{"note": null, "channel": "Phone", "outcome": "NoAnswer"}""", version));
        batch.BatchCommands.Add(ReferralUpsert(id, referral, now));
        batch.BatchCommands.Add(QueueUpsert(id, queue, now));
        await batch.ExecuteNonQueryAsync();
        await tx.CommitAsync();
    }

    private NpgsqlBatchCommand QuickAppend(Guid stream, string type, string dotnetType, string body, long? expectedVersion)
    {
        var command = new NpgsqlBatchCommand(QuickAppendSql);
        var p = command.Parameters;
        p.Add(new() { Value = stream });
        p.Add(new() { Value = "referral" });
        p.Add(new() { Value = "*DEFAULT*" });
        p.Add(new() { Value = new[] { Guid.CreateVersion7() } });
        p.Add(new() { Value = new[] { type } });
        p.Add(new() { Value = new[] { dotnetType } });
        p.Add(new() { Value = new[] { body }, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        p.Add(new() { Value = new byte[]?[] { null }, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        p.Add(new() { Value = new[] { "0HNQC28E24QMS:00000001" } });
        p.Add(new() { Value = new[] { "cbdc8d116392e010c8f695e528b102ff" } });
        p.Add(new() { Value = new[] { _headersJson }, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        p.Add(new() { Value = new[] { "bench" } });
        p.Add(new() { Value = new[] { DateTimeOffset.UtcNow } });
        p.Add(new() { Value = (object?)expectedVersion ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        return command;
    }

    private static NpgsqlBatchCommand ReferralUpsert(Guid id, string json, DateTimeOffset submittedAt)
    {
        var command = new NpgsqlBatchCommand(ReferralUpsertSql);
        var p = command.Parameters;
        p.Add(new() { Value = id });
        p.Add(new() { Value = json, NpgsqlDbType = NpgsqlDbType.Jsonb });
        p.Add(new() { Value = 0L });
        p.Add(new() { Value = id });
        p.Add(new() { Value = 0L });
        p.Add(new() { Value = "Matching.Service.Referrals.Referral" });
        p.Add(new() { Value = submittedAt });
        p.Add(new() { Value = 0L });
        p.Add(new() { Value = 0L });
        p.Add(new() { Value = 0L });
        p.Add(new() { Value = 0L });
        return command;
    }

    private static NpgsqlBatchCommand QueueUpsert(Guid id, string json, DateTimeOffset submittedAt)
    {
        var command = new NpgsqlBatchCommand(QueueUpsertSql);
        var p = command.Parameters;
        p.Add(new() { Value = id });
        p.Add(new() { Value = json, NpgsqlDbType = NpgsqlDbType.Jsonb });
        p.Add(new() { Value = 0L });
        p.Add(new() { Value = id });
        p.Add(new() { Value = 0L });
        p.Add(new() { Value = "Matching.Service.Referrals.Queue.ReferralQueueItem" });
        p.Add(new() { Value = "AwaitingTriage" });
        p.Add(new() { Value = false });
        p.Add(new() { Value = false });
        p.Add(new() { Value = submittedAt });
        p.Add(new() { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        p.Add(new() { Value = submittedAt.AddDays(1) });
        p.Add(new() { Value = 0L });
        p.Add(new() { Value = 0L });
        p.Add(new() { Value = 0L });
        p.Add(new() { Value = 0L });
        return command;
    }
}
