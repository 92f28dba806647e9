using Marten;

namespace Matching.Service.Clinicians.Workload;

/// <summary>
/// Serializes the commands that spend one clinician's capacity (docs/adr/0016-capacity-under-concurrency.md).
/// The session's transaction is opened here and the lock taken in it, so everything the command reads
/// afterwards (the workload above all) sees what the previous holder committed; PostgreSQL releases
/// the lock when that transaction commits or rolls back, including when the command is refused.
/// </summary>
public static class ClinicianCapacityLock
{
    // hashtextextended gives a 64-bit key; the prefix keeps these keys apart from any other advisory lock.
    private const string Sql = "select 1 from pg_advisory_xact_lock(hashtextextended('clinician-capacity:' || ^::text, 0))";

    public static async Task AcquireAsync(IDocumentSession session, Guid clinicianId, CancellationToken cancellation)
    {
        await session.BeginTransactionAsync(cancellation);
        await session.AdvancedSql.QueryAsync<int>('^', Sql, cancellation, clinicianId);
    }
}
