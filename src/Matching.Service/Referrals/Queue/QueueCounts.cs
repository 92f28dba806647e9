using Marten;
using Npgsql;

namespace Matching.Service.Referrals.Queue;

/// <summary>
/// The number of queue rows per status, kept exact by PostgreSQL itself: row triggers on the queue table add and
/// subtract in the same transaction as the row's write, whoever writes it (commands, projection rebuilds, erasure,
/// bulk loads), and a truncate empties the counts with the rows. Each status is spread over <see cref="Slots"/>
/// counter rows chosen from the referral id, so concurrent commands seldom wait on one counter's row lock;
/// a total is the sum of a status's slots.
/// The table and its triggers live outside Marten's schema management, created idempotently at startup.
/// </summary>
public static class QueueCounts
{
    public const string Table = "matching.referral_queue_counts";
    public const int Slots = 16;

    // Any constant shared by every host: serializes two hosts starting at once.
    private const long SetupLock = 0x4d51_436f_756e_7473;

    // Written into the trigger function: a host finding this version in place has nothing to set up.
    private const string Version = "referral queue counts v1";

    public static async Task EnsureAsync(IDocumentStore store, CancellationToken token)
    {
        var database = store.Storage.Database;
        await database.EnsureStorageExistsAsync(typeof(ReferralQueueItem), token);
        var queue = store.Options.FindOrResolveDocumentType(typeof(ReferralQueueItem)).TableName.QualifiedName;

        await using var connection = new NpgsqlConnection(database.CreateConnection().ConnectionString);
        await connection.OpenAsync(token);

        // Already in place (every start but the first): no lock taken. The lock below would wait for autovacuum on the
        // queue table and make every write wait behind it, so a host starting beside busy ones must not take it.
        await using (var current = new NpgsqlCommand($"""
            select to_regclass('{Table}') is not null
               and (select count(*) from pg_trigger where tgrelid = to_regclass('{queue}')
                    and tgname in ('referral_queue_counts_row', 'referral_queue_counts_truncate')) = 2
               and exists (select 1 from pg_proc where proname = 'referral_queue_counts_row' and prosrc like '%{Version}%')
            """, connection))
        {
            if ((bool)(await current.ExecuteScalarAsync(token))!) return;
        }

        await using var transaction = await connection.BeginTransactionAsync(token);

        // Holding the queue table against writes from here to commit: rows written before are in the backfill,
        // rows written after go through the triggers, none slips between.
        await using (var locks = new NpgsqlCommand($"""
            select pg_advisory_xact_lock({SetupLock});
            lock table {queue} in share row exclusive mode;
            """, connection, transaction))
            await locks.ExecuteNonQueryAsync(token);

        // Counts are (re)built from the rows when they could be wrong: a new counts table, or a queue table without
        // the trigger (created or recreated since the last start).
        await using (var check = new NpgsqlCommand($"""
            select to_regclass('{Table}') is null
                or not exists (select 1 from pg_trigger where tgrelid = '{queue}'::regclass and tgname = 'referral_queue_counts_row')
            """, connection, transaction))
        {
            var rebuild = (bool)(await check.ExecuteScalarAsync(token))!;
            await using var setup = new NpgsqlCommand(SetupSql(queue, rebuild), connection, transaction);
            await setup.ExecuteNonQueryAsync(token);
        }
        await transaction.CommitAsync(token);
    }

    private static string SetupSql(string queue, bool rebuild) => $"""
        create table if not exists {Table} (
            status    text not null,
            slot      smallint not null,
            referrals bigint not null,
            primary key (status, slot)
        );

        create or replace function matching.referral_queue_counts_row() returns trigger language plpgsql as $$
        -- {Version}
        begin
            if tg_op = 'INSERT' then
                if new.status is not null then
                    insert into {Table} as c (status, slot, referrals)
                    values (new.status, get_byte(uuid_send(new.id), 15) % {Slots}, 1)
                    on conflict (status, slot) do update set referrals = c.referrals + excluded.referrals;
                end if;
            elsif tg_op = 'DELETE' then
                if old.status is not null then
                    insert into {Table} as c (status, slot, referrals)
                    values (old.status, get_byte(uuid_send(old.id), 15) % {Slots}, -1)
                    on conflict (status, slot) do update set referrals = c.referrals + excluded.referrals;
                end if;
            elsif old.status is distinct from new.status or old.id <> new.id then
                -- Both counters in status order, so two opposite moves never wait on each other's counter.
                insert into {Table} as c (status, slot, referrals)
                select m.status, m.slot, m.referrals from (values
                    (old.status, get_byte(uuid_send(old.id), 15) % {Slots}, -1),
                    (new.status, get_byte(uuid_send(new.id), 15) % {Slots}, 1)) as m (status, slot, referrals)
                where m.status is not null
                order by m.status, m.slot
                on conflict (status, slot) do update set referrals = c.referrals + excluded.referrals;
            end if;
            return null;
        end
        $$;

        create or replace function matching.referral_queue_counts_truncate() returns trigger language plpgsql as $$
        begin
            delete from {Table};
            return null;
        end
        $$;

        create or replace trigger referral_queue_counts_row
            after insert or update or delete on {queue}
            for each row execute function matching.referral_queue_counts_row();
        create or replace trigger referral_queue_counts_truncate
            after truncate on {queue}
            for each statement execute function matching.referral_queue_counts_truncate();
        {(rebuild ? $"""
        delete from {Table};
        insert into {Table} (status, slot, referrals)
        select status, get_byte(uuid_send(id), 15) % {Slots}, count(*)
        from {queue} where status is not null
        group by 1, 2;
        """ : "")}
        """;
}
