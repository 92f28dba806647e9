using Marten;
using Matching.Service.Referrals;

namespace Matching.Service.Clinicians.Workload;

/// <summary>
/// Clinicians' load counted from the referral snapshots when it is read. Each referral is written
/// under its own stream's version check, so nothing is lost when many referrals name one clinician
/// at once, and no per-clinician document has to be kept in step (or locked) by the commands.
/// </summary>
public static class ClinicianWorkloads
{
    // Per clinician: the referrals whose proposals name them, found through the GIN (jsonb_path_ops)
    // index on the referral document, then their proposals to that clinician. "Last with its status"
    // mirrors Referral.OpenProposal / AcceptedProposal, which take the last pending / accepted proposal.
    // A referral closed while still proposed no longer holds the proposal open; an accepted one holds a
    // place while accepted or booked, and for good once closed as engaged (the client is now theirs).
    // Enum values are compared in lower case: the document stores them as the serializer names them.
    private const string Sql = """
        select json_build_object(
            'clinicianId', c.id,
            'openProposals', w.open_proposals,
            'activeClients', w.active_clients,
            'newClientsLast7Days', w.new_clients)
        from unnest(^) as c(id)
        cross join lateral (
            select
                count(*) filter (where p.status = 'pending' and p.is_last
                    and lower(r.data ->> 'status') <> 'closed') as open_proposals,
                count(*) filter (where p.status = 'accepted' and p.is_last
                    and (lower(r.data ->> 'status') in ('accepted', 'booked') or lower(r.data #>> '{closure,outcome}') = 'engaged')) as active_clients,
                count(*) filter (where p.status = 'accepted'
                    and p.answered_at > ^ and p.answered_at <= ^) as new_clients
            from {referrals} r
            cross join lateral (
                select lower(q.value ->> 'status') as status,
                       (q.value ->> 'answeredAt')::timestamptz as answered_at,
                       not exists (
                           select 1 from jsonb_array_elements(r.data -> 'proposals') with ordinality as later(value, position)
                           where later.position > q.position and later.value ->> 'status' = q.value ->> 'status') as is_last
                from jsonb_array_elements(r.data -> 'proposals') with ordinality as q(value, position)
                where q.value ->> 'clinicianId' = c.id::text
            ) p
            where r.data @> jsonb_build_object('proposals', jsonb_build_array(jsonb_build_object('clinicianId', c.id)))
        ) w
        """;

    private const string AllNamedSql = """
        select distinct (p.value ->> 'clinicianId')::uuid
        from {referrals} r cross join lateral jsonb_array_elements(r.data -> 'proposals') as p(value)
        """;

    /// <summary>
    /// The load of each clinician asked for (every clinician a referral has been proposed to when
    /// <paramref name="clinicianIds"/> is null); a clinician no referral names reads as none.
    /// </summary>
    public static async Task<IReadOnlyDictionary<Guid, ClinicianWorkload>> ForAsync(
        IQuerySession session, IReadOnlyCollection<Guid>? clinicianIds, DateTimeOffset now, CancellationToken cancellation)
    {
        var referrals = session.DocumentStore.Options.FindOrResolveDocumentType(typeof(Referral)).TableName.QualifiedName;
        var ids = clinicianIds?.Distinct().ToArray()
                  ?? (await session.AdvancedSql.QueryAsync<Guid>('^', AllNamedSql.Replace("{referrals}", referrals), cancellation)).ToArray();
        if (ids.Length == 0) return new Dictionary<Guid, ClinicianWorkload>();

        var rows = await session.AdvancedSql.QueryAsync<WorkloadRow>('^', Sql.Replace("{referrals}", referrals), cancellation,
            ids, now - ClinicianWorkload.AcceptanceWindow, now);
        return rows.ToDictionary(r => r.ClinicianId,
            r => new ClinicianWorkload(r.ClinicianId, r.OpenProposals, r.ActiveClients, r.NewClientsLast7Days));
    }

    public static async Task<ClinicianWorkload> ForAsync(IQuerySession session, Guid clinicianId, DateTimeOffset now, CancellationToken cancellation) =>
        (await ForAsync(session, [clinicianId], now, cancellation))[clinicianId];

    // No Id member, so Marten reads it as plain JSON rather than as a document.
    private sealed record WorkloadRow(Guid ClinicianId, int OpenProposals, int ActiveClients, int NewClientsLast7Days);
}
