using Marten;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Queue;
using Matching.Tests.Operability;
using Matching.Tests.Support;
using Npgsql;

namespace Matching.Tests.Infrastructure;

/// <summary>
/// The first-session slots and the queue counts (table, functions, triggers) are part of Marten's schema: db-apply
/// makes them, db-assert finds nothing to change afterwards, and a database made by the start-up set-up they had
/// before takes the new schema without failing or losing its counts.
/// </summary>
public class DatabaseSchemaTests
{
    private const string QueueTable = "matching.mt_doc_referralqueueitem";

    [Fact]
    public async Task db_apply_on_a_fresh_database_leaves_nothing_for_db_assert()
    {
        var database = await TestDatabase.CreateDatabaseAsync(nameof(DatabaseSchemaTests));
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development", ["ConnectionStrings__Marten"] = database
        };

        var applied = await ServiceCommand.RunAsync(["db-apply"], environment: environment);
        applied.ExitCode.ShouldBe(0, applied.StdOut + applied.StdErr);
        var asserted = await ServiceCommand.RunAsync(["db-assert"], environment: environment);
        asserted.ExitCode.ShouldBe(0, asserted.StdOut + asserted.StdErr);

        (await Scalar<bool>(database, $"select to_regclass('{FirstSessionSlots.Table}') is not null and to_regclass('{QueueCounts.Table}') is not null"))
            .ShouldBeTrue();
        (await Scalar<long>(database, $"select count(*) from pg_trigger where tgrelid = '{QueueTable}'::regclass and not tgisinternal")).ShouldBe(2);
        (await Scalar<long>(database, "select count(*) from pg_constraint where conname = 'first_sessions_do_not_overlap' and contype = 'x'"))
            .ShouldBe(1);
    }

    [Fact]
    public async Task the_store_applies_its_schema_once_and_then_matches_it()
    {
        using var store = StoreOn(await TestDatabase.CreateDatabaseAsync(nameof(DatabaseSchemaTests)));
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        await store.Storage.Database.AssertDatabaseMatchesConfigurationAsync();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await store.Storage.Database.AssertDatabaseMatchesConfigurationAsync();
    }

    [Fact]
    public async Task a_database_set_up_by_the_former_start_up_code_keeps_its_objects_and_counts()
    {
        var database = await TestDatabase.CreateDatabaseAsync(nameof(DatabaseSchemaTests));
        using var store = StoreOn(database);
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await RemoveManagedObjects(database);
        // Queue rows and a booked slot from before, then the objects exactly as the hosted services made them.
        await store.BulkInsertDocumentsAsync(QueueRows(40));
        await Execute(database, FormerStartUpSql);
        await Execute(database, $"insert into {FirstSessionSlots.Table} values (gen_random_uuid(), gen_random_uuid(), '{Clinician}', tstzrange('2026-03-02 16:00Z', '2026-03-02 17:00Z'))");
        var counts = await CountsByStatus(database);
        counts.Values.Sum().ShouldBe(40);

        // The former objects are what the schema describes: nothing to change, and an apply changes nothing.
        await store.Storage.Database.AssertDatabaseMatchesConfigurationAsync();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await store.Storage.Database.AssertDatabaseMatchesConfigurationAsync();

        (await CountsByStatus(database)).ShouldBe(counts);
        await store.BulkInsertDocumentsAsync(QueueRows(5));
        (await CountsByStatus(database)).Values.Sum().ShouldBe(45, "the trigger still counts");
        var overlap = await Should.ThrowAsync<PostgresException>(() => Execute(database,
            $"insert into {FirstSessionSlots.Table} values (gen_random_uuid(), gen_random_uuid(), '{Clinician}', tstzrange('2026-03-02 16:30Z', '2026-03-02 17:30Z'))"));
        overlap.SqlState.ShouldBe(PostgresErrorCodes.ExclusionViolation);
    }

    [Fact]
    public async Task a_changed_counting_function_is_replaced_with_its_triggers_and_the_rows_counted_again()
    {
        var database = await TestDatabase.CreateDatabaseAsync(nameof(DatabaseSchemaTests));
        using var store = StoreOn(database);
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        // A function that counts nothing: the counts drift from the rows.
        await Execute(database, """
            create or replace function matching.referral_queue_counts_row() returns trigger language plpgsql as $$
            begin
                return null;
            end
            $$;
            """);
        await store.BulkInsertDocumentsAsync(QueueRows(12));
        (await CountsByStatus(database)).ShouldBeEmpty();
        await Should.ThrowAsync<Exception>(() => store.Storage.Database.AssertDatabaseMatchesConfigurationAsync());

        // Weasel replaces a function by dropping it with CASCADE: the triggers must come back with it.
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        await store.Storage.Database.AssertDatabaseMatchesConfigurationAsync();
        (await Scalar<long>(database, $"select count(*) from pg_trigger where tgrelid = '{QueueTable}'::regclass and not tgisinternal")).ShouldBe(2);
        (await CountsByStatus(database)).Values.Sum().ShouldBe(12);
        await store.BulkInsertDocumentsAsync(QueueRows(3));
        (await CountsByStatus(database)).Values.Sum().ShouldBe(15);
    }

    private static readonly Guid Clinician = Guid.CreateVersion7();

    /// <summary>What FirstSessionSlots.EnsureTableAsync and QueueCounts.EnsureAsync ran at every start before.</summary>
    private const string FormerStartUpSql = """
        create schema if not exists matching;
        create extension if not exists btree_gist;
        create table if not exists matching.first_session_slots (
            session_id   uuid primary key,
            referral_id  uuid not null,
            clinician_id uuid not null,
            during       tstzrange not null,
            constraint first_sessions_do_not_overlap exclude using gist (clinician_id with =, during with &&)
        );

        create table if not exists matching.referral_queue_counts (
            status    text not null,
            slot      smallint not null,
            referrals bigint not null,
            primary key (status, slot)
        );

        create or replace function matching.referral_queue_counts_row() returns trigger language plpgsql as $$
        -- referral queue counts v1
        begin
            if tg_op = 'INSERT' then
                if new.status is not null then
                    insert into matching.referral_queue_counts as c (status, slot, referrals)
                    values (new.status, get_byte(uuid_send(new.id), 15) % 16, 1)
                    on conflict (status, slot) do update set referrals = c.referrals + excluded.referrals;
                end if;
            elsif tg_op = 'DELETE' then
                if old.status is not null then
                    insert into matching.referral_queue_counts as c (status, slot, referrals)
                    values (old.status, get_byte(uuid_send(old.id), 15) % 16, -1)
                    on conflict (status, slot) do update set referrals = c.referrals + excluded.referrals;
                end if;
            elsif old.status is distinct from new.status or old.id <> new.id then
                -- Both counters in status order, so two opposite moves never wait on each other's counter.
                insert into matching.referral_queue_counts as c (status, slot, referrals)
                select m.status, m.slot, m.referrals from (values
                    (old.status, get_byte(uuid_send(old.id), 15) % 16, -1),
                    (new.status, get_byte(uuid_send(new.id), 15) % 16, 1)) as m (status, slot, referrals)
                where m.status is not null
                order by m.status, m.slot
                on conflict (status, slot) do update set referrals = c.referrals + excluded.referrals;
            end if;
            return null;
        end
        $$;

        create or replace function matching.referral_queue_counts_truncate() returns trigger language plpgsql as $$
        begin
            delete from matching.referral_queue_counts;
            return null;
        end
        $$;

        create or replace trigger referral_queue_counts_row
            after insert or update or delete on matching.mt_doc_referralqueueitem
            for each row execute function matching.referral_queue_counts_row();
        create or replace trigger referral_queue_counts_truncate
            after truncate on matching.mt_doc_referralqueueitem
            for each statement execute function matching.referral_queue_counts_truncate();

        delete from matching.referral_queue_counts;
        insert into matching.referral_queue_counts (status, slot, referrals)
        select status, get_byte(uuid_send(id), 15) % 16, count(*)
        from matching.mt_doc_referralqueueitem where status is not null
        group by 1, 2;
        """;

    private static Task RemoveManagedObjects(string database) => Execute(database, $"""
        drop trigger referral_queue_counts_row on {QueueTable};
        drop trigger referral_queue_counts_truncate on {QueueTable};
        drop function matching.referral_queue_counts_row();
        drop function matching.referral_queue_counts_truncate();
        drop table {QueueCounts.Table};
        drop table {FirstSessionSlots.Table};
        """);

    /// <summary>A store configured as the service's, on a database of its own.</summary>
    private static DocumentStore StoreOn(string database) =>
        new(MartenSetup.ConfigureStore(new StoreOptions(), database, new MatchingOptions(), applySchema: true));

    private static IEnumerable<ReferralQueueItem> QueueRows(int count) =>
        Enumerable.Range(0, count).Select(i => new ReferralQueueItem
        {
            Id = Guid.CreateVersion7(),
            Status = (ReferralStatus)(i % Enum.GetValues<ReferralStatus>().Length),
            SubmittedAt = DateTimeOffset.UtcNow,
            StatusSince = DateTimeOffset.UtcNow
        }).ToList();

    private static async Task<Dictionary<string, long>> CountsByStatus(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select status, sum(referrals)::bigint from {QueueCounts.Table} group by status having sum(referrals) <> 0", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var counts = new Dictionary<string, long>();
        while (await reader.ReadAsync()) counts[reader.GetString(0)] = reader.GetInt64(1);
        return counts;
    }

    private static async Task<T> Scalar<T>(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task Execute(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
