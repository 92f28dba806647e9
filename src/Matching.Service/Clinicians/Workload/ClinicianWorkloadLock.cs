using Marten;

namespace Matching.Service.Clinicians.Workload;

/// <summary>
/// The workload projection runs inline: it reads a clinician's document, applies the referral
/// events and writes it back in the same commit. Two commits touching the same clinician at once
/// (two proposals, two expiries) would each read the old document and one update would be lost.
/// A command that appends an event naming a clinician holds this lock first, so such commits take
/// turns and each reads what the other wrote.
/// </summary>
public static class ClinicianWorkloadLock
{
    /// <summary>Begins the session's transaction and holds the clinician's lock until it ends.</summary>
    public static async Task HoldAsync(IDocumentSession session, Guid clinicianId, CancellationToken token = default)
    {
        await session.BeginTransactionAsync(token);
        await session.QueryAsync<int>("select 1 from (select pg_advisory_xact_lock(?)) as held", token, KeyFor(clinicianId));
    }

    /// <summary>A stable 64-bit lock key for the clinician.</summary>
    public static long KeyFor(Guid clinicianId)
    {
        Span<byte> bytes = stackalloc byte[16];
        clinicianId.TryWriteBytes(bytes);
        return BitConverter.ToInt64(bytes[..8]) ^ BitConverter.ToInt64(bytes[8..]) ^ 0x636C696E6963L; // "clinic": keeps clear of other lock users
    }
}
