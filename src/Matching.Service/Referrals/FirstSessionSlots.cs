using Marten;
using Npgsql;

namespace Matching.Service.Referrals;

/// <summary>
/// Booked first sessions per clinician, in a table whose exclusion constraint makes two
/// overlapping sessions of one clinician impossible, however many bookings race.
/// The commands queue their changes on the same Marten session as their events, so a slot and
/// its event commit or fail together: an overlap (SQLSTATE 23P01) rolls the events back too.
/// </summary>
public static class FirstSessionSlots
{
    public const string Table = "matching.first_session_slots";

    public static async Task EnsureTableAsync(IDocumentStore store, CancellationToken token)
    {
        const string sql = """
            create schema if not exists matching;
            create extension if not exists btree_gist;
            create table if not exists matching.first_session_slots (
                session_id   uuid primary key,
                referral_id  uuid not null,
                clinician_id uuid not null,
                during       tstzrange not null,
                constraint first_sessions_do_not_overlap exclude using gist (clinician_id with =, during with &&)
            );
            """;
        await using var connection = new NpgsqlConnection(store.Options.Tenancy.Default.Database.CreateConnection().ConnectionString);
        await connection.OpenAsync(token);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(token);
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
