using System.Data.Common;
using Marten;
using Weasel.Core;
using Weasel.Core.Migrations;
using Weasel.Postgresql;
using Weasel.Postgresql.Functions;
using Weasel.Postgresql.Triggers;
using DbCommandBuilder = Weasel.Core.DbCommandBuilder;

namespace Matching.Service.Referrals.Queue;

/// <summary>
/// The number of queue rows per status, kept exact by PostgreSQL itself: row triggers on the queue table add and
/// subtract in the same transaction as the row's write, whoever writes it (commands, projection rebuilds, erasure,
/// bulk loads), and a truncate empties the counts with the rows. Each status is spread over <see cref="Slots"/>
/// counter rows chosen from the referral id, so concurrent commands seldom wait on one counter's row lock;
/// a total is the sum of a status's slots.
/// The table, its functions and its triggers are part of Marten's schema (db-apply, db-assert, db-patch and the
/// start-up apply): see <see cref="Configure"/>.
/// </summary>
public static class QueueCounts
{
    public const string Table = "matching.referral_queue_counts";
    public const int Slots = 16;

    private const string QueueTable = "matching.mt_doc_referralqueueitem";
    private const string RowFunction = "matching.referral_queue_counts_row";
    private const string TruncateFunction = "matching.referral_queue_counts_truncate";

    /// <summary>
    /// The counts table and the trigger functions go with Marten's extended objects, which are applied before the
    /// document tables; the triggers go in a feature of their own, applied after them, once the queue table exists.
    /// </summary>
    public static void Configure(StoreOptions opts)
    {
        var counts = new Weasel.Postgresql.Tables.Table(Table);
        counts.AddColumn("status", "text").NotNull().AsPrimaryKey();
        counts.AddColumn<short>("slot").NotNull().AsPrimaryKey();
        counts.AddColumn<long>("referrals").NotNull();
        // PostgreSQL's own name, which the table had when it was created outside Marten's schema.
        counts.PrimaryKeyName = "referral_queue_counts_pkey";

        var row = new Function(PostgresqlProvider.Instance.Parse(RowFunction), RowFunctionSql);
        var truncate = new Function(PostgresqlProvider.Instance.Parse(TruncateFunction), TruncateFunctionSql);
        opts.Storage.ExtendedSchemaObjects.Add(counts);
        opts.Storage.ExtendedSchemaObjects.Add(row);
        opts.Storage.ExtendedSchemaObjects.Add(truncate);

        opts.Storage.Add(new Triggers(opts, new CountsTrigger("referral_queue_counts_row", row, recount: true)
        {
            Timing = TriggerTiming.After,
            Events = TriggerEvents.Insert | TriggerEvents.Update | TriggerEvents.Delete,
            ForEachRow = true
        }, new CountsTrigger("referral_queue_counts_truncate", truncate, recount: false)
        {
            Timing = TriggerTiming.After,
            Events = TriggerEvents.Truncate,
            ForEachRow = false
        }));
    }

    // Written as pg_get_functiondef renders a function, which Weasel compares with (whitespace aside). The body
    // is the one the counts had before they were part of the schema, so a database made then needs no change.
    private static readonly string RowFunctionSql = $$"""
        CREATE OR REPLACE FUNCTION {{RowFunction}}()
         RETURNS trigger
         LANGUAGE plpgsql
        AS $function$
        -- referral queue counts v1
        begin
            if tg_op = 'INSERT' then
                if new.status is not null then
                    insert into {{Table}} as c (status, slot, referrals)
                    values (new.status, get_byte(uuid_send(new.id), 15) % {{Slots}}, 1)
                    on conflict (status, slot) do update set referrals = c.referrals + excluded.referrals;
                end if;
            elsif tg_op = 'DELETE' then
                if old.status is not null then
                    insert into {{Table}} as c (status, slot, referrals)
                    values (old.status, get_byte(uuid_send(old.id), 15) % {{Slots}}, -1)
                    on conflict (status, slot) do update set referrals = c.referrals + excluded.referrals;
                end if;
            elsif old.status is distinct from new.status or old.id <> new.id then
                -- Both counters in status order, so two opposite moves never wait on each other's counter.
                insert into {{Table}} as c (status, slot, referrals)
                select m.status, m.slot, m.referrals from (values
                    (old.status, get_byte(uuid_send(old.id), 15) % {{Slots}}, -1),
                    (new.status, get_byte(uuid_send(new.id), 15) % {{Slots}}, 1)) as m (status, slot, referrals)
                where m.status is not null
                order by m.status, m.slot
                on conflict (status, slot) do update set referrals = c.referrals + excluded.referrals;
            end if;
            return null;
        end
        $function$;
        """;

    private static readonly string TruncateFunctionSql = $$"""
        CREATE OR REPLACE FUNCTION {{TruncateFunction}}()
         RETURNS trigger
         LANGUAGE plpgsql
        AS $function$
        begin
            delete from {{Table}};
            return null;
        end
        $function$;
        """;

    /// <summary>The number of queue rows in each status, summed from the counters (a few dozen rows, whatever the queue's size).</summary>
    public static async Task<IReadOnlyDictionary<ReferralStatus, long>> ReadAsync(IQuerySession session, CancellationToken cancellation)
    {
        var counts = Enum.GetValues<ReferralStatus>().ToDictionary(s => s, _ => 0L);
        await using var command = new Npgsql.NpgsqlCommand($"select status, sum(referrals)::bigint from {Table} group by status");
        await using var reader = await session.ExecuteReaderAsync(command, cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            if (Enum.TryParse<ReferralStatus>(reader.GetString(0), out var status)) counts[status] = reader.GetInt64(1);
        }
        return counts;
    }

    /// <summary>The counts from the rows, as one grouped count.</summary>
    private static readonly string RecountSql = $"""
        delete from {Table};
        insert into {Table} (status, slot, referrals)
        select status, get_byte(uuid_send(id), 15) % {Slots}, count(*)
        from {QueueTable} where status is not null
        group by 1, 2;
        """;

    private sealed class Triggers(StoreOptions opts, params ISchemaObject[] triggers)
        : FeatureSchemaBase("QueueCounts", opts.Advanced.Migrator)
    {
        protected override IEnumerable<ISchemaObject> schemaObjects() => triggers;
    }

    /// <summary>
    /// A counts trigger on the queue table, created (and, for the row trigger, the counts rebuilt from the rows, with
    /// the queue table held against writes until they commit) whenever the counts could be wrong: the trigger missing
    /// or different, the counts table missing, or the trigger's function about to be replaced (Weasel replaces a
    /// function by dropping it with CASCADE, which drops its triggers too). Compared by the catalog's trigger type
    /// bits rather than by <c>pg_get_triggerdef</c>'s text, which lists the events in an order of its own.
    /// </summary>
    private sealed class CountsTrigger(string name, Function function, bool recount)
        : Trigger(PostgresqlProvider.Instance.Parse($"matching.{name}"),
            PostgresqlProvider.Instance.Parse(QueueTable), $"{function.Identifier.QualifiedName}()")
    {
        public override void WriteCreateStatement(Migrator migrator, TextWriter writer)
        {
            // One statement, so the lock, the trigger and the recount commit together however the migration runs.
            var drop = new StringWriter();
            WriteDropStatement(migrator, drop);
            writer.WriteLine($"""
                do $migration$ begin
                    lock table {QueueTable} in share row exclusive mode;
                    {drop.ToString().Trim()}
                    {CreateStatement()}
                    {(recount ? RecountSql : "")}
                end $migration$;
                """);
        }

        public override void ConfigureQueryCommand(DbCommandBuilder builder)
        {
            var trigger = builder.AddParameter(Identifier.Name).ParameterName;
            builder.Append($"""
                select t.tgtype::int, fn.nspname || '.' || f.proname, pg_get_functiondef(f.oid), to_regclass('{Table}') is not null
                from pg_trigger t
                join pg_proc f on f.oid = t.tgfoid
                join pg_namespace fn on fn.oid = f.pronamespace
                where not t.tgisinternal and t.tgname = :{trigger} and t.tgrelid = to_regclass('{QueueTable}');
                """);
        }

        public override async Task<ISchemaObjectDelta> CreateDeltaAsync(DbDataReader reader, CancellationToken ct = default)
        {
            if (!await reader.ReadAsync(ct)) return new SchemaObjectDelta(this, SchemaPatchDifference.Create);
            var type = reader.GetInt32(0);
            var calls = reader.GetString(1);
            var definition = reader.GetString(2);
            var countsExist = reader.GetBoolean(3);
            var functionKept = new FunctionDelta(function, new Function(function.Identifier, definition.TrimEnd() + ";")).Difference
                               == SchemaPatchDifference.None;
            var same = type == ExpectedType && calls == function.Identifier.QualifiedName && countsExist && functionKept;
            return new SchemaObjectDelta(this, same ? SchemaPatchDifference.None : SchemaPatchDifference.Update);
        }

        // pg_trigger.tgtype: 1 row, 2 before, 4 insert, 8 delete, 16 update, 32 truncate, 64 instead of.
        private int ExpectedType =>
            (ForEachRow ? 1 : 0) | (Timing == TriggerTiming.Before ? 2 : 0) | (Timing == TriggerTiming.InsteadOf ? 64 : 0)
            | (Events.HasFlag(TriggerEvents.Insert) ? 4 : 0) | (Events.HasFlag(TriggerEvents.Delete) ? 8 : 0)
            | (Events.HasFlag(TriggerEvents.Update) ? 16 : 0) | (Events.HasFlag(TriggerEvents.Truncate) ? 32 : 0);
    }
}
