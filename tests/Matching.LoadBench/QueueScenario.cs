using System.Diagnostics;
using Marten;
using JasperFx.Events.Documents;
using Weasel.Core;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Queue;
using Matching.Service.Shared;
using Npgsql;

namespace Matching.LoadBench;

public sealed record QueueTiming(string Variant, int Samples, double P50Ms, double P95Ms, double P99Ms);

/// <summary>(e) The coordinator queue's first page over a large queue, through the service and as the same SQL by hand.</summary>
public static class QueueScenario
{
    private static readonly Matching.Service.Infrastructure.MatchingOptions Options = new();

    public static readonly (string Name, string Query, string RawWhere)[] Variants =
    [
        ("open referrals (default)", "", "d.status <> 'Closed'"),
        ("status=awaitingMatch", "?status=awaitingMatch", "d.status = 'AwaitingMatch'")
    ];

    /// <summary>Queue rows as the projection would leave them: a spread of statuses, 5% urgent, due dates around now.</summary>
    public static async Task FillAsync(IDocumentStore store, int count)
    {
        var random = new Random(11);
        var statuses = Enum.GetValues<ReferralStatus>();
        var clinicians = Enumerable.Range(0, 200).Select(_ => Guid.CreateVersion7()).ToArray();
        var now = DateTimeOffset.UtcNow;
        var items = new List<ReferralQueueItem>(count);
        for (var i = 0; i < count; i++)
        {
            var status = statuses[random.Next(statuses.Length)];
            var urgent = random.Next(20) == 0;
            var submitted = now.AddMinutes(-random.Next(1, 180 * 24 * 60));
            var withClinician = status is ReferralStatus.Proposed or ReferralStatus.Accepted or ReferralStatus.Booked;
            var awaitingAck = urgent && random.Next(4) == 0;
            var item = new ReferralQueueItem
            {
                Id = Guid.CreateVersion7(),
                Version = 3,
                ClientName = $"Client {i}",
                Status = status,
                Urgent = urgent,
                RiskFlagged = urgent,
                RiskAcknowledged = urgent && !awaitingAck,
                RiskFlaggedAt = urgent ? submitted : null,
                UrgentSince = urgent ? submitted : null,
                AwaitingRiskAcknowledgement = awaitingAck,
                Concerns = [Concern.Anxiety, Concern.Trauma],
                SubmittedAt = submitted,
                StatusSince = submitted.AddHours(2),
                LastContactAt = random.Next(3) == 0 ? null : submitted.AddHours(3),
                ClinicianId = withClinician ? clinicians[random.Next(clinicians.Length)] : null,
                ProposalExpiresAt = status == ReferralStatus.Proposed ? now.AddHours(random.Next(-48, 72)) : null,
                FirstSessionStartsAt = status == ReferralStatus.Booked ? now.AddHours(random.Next(-48, 240)) : null,
                FirstSessionDurationMinutes = status == ReferralStatus.Booked ? 50 : null,
                WaitlistedAt = status == ReferralStatus.Waitlisted ? submitted.AddDays(1) : null
            };
            // The stored next step as the projection computes it.
            var step = ServiceLevels.Next(item, Options);
            items.Add(item with { NextAction = step.Action, DueAt = step.DueAt?.ToUniversalTime() });
        }
        await store.BulkInsertDocumentsAsync(items, BulkInsertMode.InsertsOnly, batchSize: 5_000);

        // Both sides read their totals from the counts the queue table's trigger keeps (the service's startup creates it):
        // a fill that bypassed it would have them read wrong totals.
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var check = new NpgsqlCommand(
            "select (select coalesce(sum(referrals), 0) from matching.referral_queue_counts) = (select count(*) from matching.mt_doc_referralqueueitem)",
            connection);
        if (!(bool)(await check.ExecuteScalarAsync())!)
            throw new InvalidOperationException("The queue counts do not match the queue rows after the fill.");
    }

    public static async Task<QueueTiming> ServiceAsync(HttpClient client, Uri baseAddress, string token, string variant, string query, int samples)
    {
        var uri = new Uri(baseAddress, "/api/referrals" + query);
        async Task Get()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Authorization = new("Bearer", token);
            using var response = await client.SendAsync(request);
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
        }
        return await TimeAsync($"service: {variant}", samples, Get);
    }

    /// <summary>
    /// The same answer as the service's page by hand, read without deserializing: the exact total (both variants filter
    /// by status alone, so it is the sum of the trigger-kept counts per status, as the service reads it) and the first 50 rows
    /// in the queue's order with their clinician's name, in one round trip. The order starts with a key computed from
    /// the clock, so the rows are read as four parts (awaiting acknowledgement × overdue), each in index order and
    /// only as far as the page still needs, then sorted by part over at most 50 rows.
    /// </summary>
    public static async Task<QueueTiming> RawAsync(NpgsqlDataSource db, string variant, string where, int samples)
    {
        const string table = "matching.mt_doc_referralqueueitem";
        var sql = $"""
            select coalesce(sum(d.referrals), 0)::bigint from matching.referral_queue_counts as d where {where};
            with p0 as (select d.submitted_at, d.id from {table} as d
                  where {where} and d.awaiting_risk_acknowledgement and d.due_at < $1 order by d.submitted_at, d.id limit 50),
              p1 as (select d.submitted_at, d.id from {table} as d
                  where {where} and d.awaiting_risk_acknowledgement and not coalesce(d.due_at < $1, false) order by d.submitted_at, d.id
                  limit 50 - (select count(*) from p0)),
              p2 as (select d.submitted_at, d.id from {table} as d
                  where {where} and not d.awaiting_risk_acknowledgement and d.due_at < $1 order by d.submitted_at, d.id
                  limit 50 - (select count(*) from p0) - (select count(*) from p1)),
              p3 as (select d.submitted_at, d.id from {table} as d
                  where {where} and not d.awaiting_risk_acknowledgement and not coalesce(d.due_at < $1, false) order by d.submitted_at, d.id
                  limit 50 - (select count(*) from p0) - (select count(*) from p1) - (select count(*) from p2)),
              page as (select u.* from (select 0 as part, * from p0 union all select 1, * from p1 union all select 2, * from p2 union all select 3, * from p3) as u
                  order by u.part, u.submitted_at, u.id limit 50)
            select q.data::text, c.data -> 'profile' ->> 'name'
            from page as p join {table} as q on q.id = p.id left join matching.mt_doc_clinician as c on c.id = q.clinician_id
            order by p.part, p.submitted_at, p.id
            """;
        async Task Query()
        {
            await using var batch = db.CreateBatch();
            var statements = sql.Split(";\n", 2);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(statements[0]));
            var page = new NpgsqlBatchCommand(statements[1]);
            page.Parameters.Add(new NpgsqlParameter { Value = DateTimeOffset.UtcNow, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
            batch.BatchCommands.Add(page);
            await using var reader = await batch.ExecuteReaderAsync();
            await reader.ReadAsync();
            reader.GetInt64(0);
            await reader.NextResultAsync();
            while (await reader.ReadAsync())
            {
                reader.GetString(0);
                if (!reader.IsDBNull(1)) reader.GetString(1);
            }
        }
        return await TimeAsync($"raw SQL: {variant}", samples, Query);
    }

    private static async Task<QueueTiming> TimeAsync(string name, int samples, Func<Task> operation)
    {
        for (var i = 0; i < Math.Max(3, samples / 10); i++) await operation();
        var latencies = new double[samples];
        for (var i = 0; i < samples; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await operation();
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        Array.Sort(latencies);
        var timing = new QueueTiming(name, samples, Load.Percentile(latencies, 0.5), Load.Percentile(latencies, 0.95), Load.Percentile(latencies, 0.99));
        Console.WriteLine($"  {name,-40} p50 {timing.P50Ms,6:F2} ms  p95 {timing.P95Ms,6:F2} ms  p99 {timing.P99Ms,6:F2} ms");
        return timing;
    }
}
