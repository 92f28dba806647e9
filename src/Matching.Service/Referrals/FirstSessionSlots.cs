using Marten;
using Weasel.Core;
using Weasel.Postgresql;

namespace Matching.Service.Referrals;

/// <summary>
/// Booked first sessions per clinician, in a table whose exclusion constraint makes two
/// overlapping sessions of one clinician impossible, however many bookings race.
/// The commands queue their changes on the same Marten session as their events, so a slot and
/// its event commit or fail together: an overlap (SQLSTATE 23P01) rolls the events back too.
/// The table is part of Marten's schema: db-apply creates it, db-assert checks it, db-patch scripts it.
/// </summary>
public static class FirstSessionSlots
{
    public const string Table = "matching.first_session_slots";

    private const string NoOverlap = "first_sessions_do_not_overlap";

    public static void Configure(StoreOptions opts)
    {
        // The constraint's gist index over a uuid needs the extension's operator classes.
        opts.Storage.ExtendedSchemaObjects.Add(new Extension("btree_gist"));
        opts.Storage.ExtendedSchemaObjects.Add(new SlotTable());
    }

    /// <summary>Weasel's tables know no exclusion constraint: this one adds it with the table and leaves its index alone.</summary>
    private sealed class SlotTable : Weasel.Postgresql.Tables.Table
    {
        public SlotTable() : base(Table)
        {
            AddColumn<Guid>("session_id").AsPrimaryKey();
            AddColumn<Guid>("referral_id").NotNull();
            AddColumn<Guid>("clinician_id").NotNull();
            AddColumn("during", "tstzrange").NotNull();
            // PostgreSQL's own name, which the table had when it was created outside Marten's schema.
            PrimaryKeyName = "first_session_slots_pkey";
            IgnoreIndex(NoOverlap);
        }

        public override void WriteCreateStatement(Migrator migrator, TextWriter writer)
        {
            base.WriteCreateStatement(migrator, writer);
            // Guarded: a host creating the table at the same moment may have added it first.
            writer.WriteLine($"""
                do $$ begin
                    if not exists (select 1 from pg_constraint where conname = '{NoOverlap}' and conrelid = '{Table}'::regclass) then
                        alter table {Table} add constraint {NoOverlap} exclude using gist (clinician_id with =, during with &&);
                    end if;
                end $$;
                """);
        }
    }

    /// <summary>A first session starts in the future, within the next two years.</summary>
    public static bool WithinTwoYears(DateTimeOffset startsAt, DateTimeOffset now) => startsAt > now && startsAt < now.AddYears(2);

    public static void Reserve(IDocumentSession session, Guid referralId, FirstSessionBooked booked) =>
        session.QueueSqlCommand(
            $"insert into {Table} (session_id, referral_id, clinician_id, during) values (?, ?, ?, tstzrange(?, ?, '[)'))",
            booked.SessionId, referralId, booked.ClinicianId,
            booked.StartsAt.ToUniversalTime(), booked.StartsAt.AddMinutes(booked.DurationMinutes).ToUniversalTime());

    public static void Move(IDocumentSession session, FirstSessionRescheduled moved) =>
        session.QueueSqlCommand(
            $"update {Table} set during = tstzrange(?, ?, '[)') where session_id = ?",
            moved.StartsAt.ToUniversalTime(), moved.StartsAt.AddMinutes(moved.DurationMinutes).ToUniversalTime(), moved.SessionId);

    public static void Free(IDocumentSession session, Guid sessionId) =>
        session.QueueSqlCommand($"delete from {Table} where session_id = ?", sessionId);
}
