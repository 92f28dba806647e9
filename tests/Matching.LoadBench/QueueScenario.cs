using System.Diagnostics;
using System.Net.Http.Headers;
using Marten;
using JasperFx.Events.Documents;
using Weasel.Core;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Queue;
using Matching.Service.Shared;
using Npgsql;

namespace Matching.LoadBench;

/// <summary>Latencies of one query, pooled over the rounds.</summary>
public sealed record QueueTiming(string Variant, int Samples, double P50Ms, double P95Ms, double P99Ms)
{
    public static QueueTiming Of(string variant, double[] sorted) =>
        new(variant, sorted.Length, Load.Percentile(sorted, 0.5), Load.Percentile(sorted, 0.95), Load.Percentile(sorted, 0.99));
}

/// <summary>One variant of the page, through the service and by hand: pooled timings, and per round the p95s and their ratio.</summary>
public sealed record QueueVariant(string Name, QueueTiming Service, QueueTiming Raw, Spread ServiceP95, Spread P95Ratio);

/// <summary>The queue page measured at one size.</summary>
public sealed record QueueRun(int Rows, int Added, TimeSpan Fill, IReadOnlyList<QueueVariant> Variants);

/// <summary>(e) The coordinator queue's first page over a large queue, through the service and as the same SQL by hand.</summary>
public static class QueueScenario
{
    private static readonly Matching.Service.Infrastructure.MatchingOptions Options = new();

    public static readonly (string Name, string Query, string RawWhere)[] Variants =
    [
        ("open referrals (default)", "", "d.status <> 'Closed'"),
        ("status=awaitingMatch", "?status=awaitingMatch", "d.status = 'AwaitingMatch'")
    ];

    private const int FillChunk = 20_000;

    /// <summary>
    /// Fills the queue table up to <paramref name="rows" /> referrals, then times the first page of each variant through
    /// the service and by hand, request by request alternately, in <paramref name="rounds" /> rounds of
    /// <paramref name="samples" /> / rounds requests a side, after up to <paramref name="vacuums" /> vacuums.
    /// </summary>
    public static async Task<QueueRun> RunAsync(HttpClient http, Uri baseAddress, string token, DocumentStore store, NpgsqlDataSource db,
        int rows, int rounds, int samples, int vacuums)
    {
        var before = await CountAsync(db);
        var added = Math.Max(0, rows - before);
        Console.WriteLine($"Coordinator queue at {rows:N0} referrals ({added:N0} to add to the {before:N0} there) ...");
        var fill = Stopwatch.StartNew();
        await FillAsync(store, added, seed: rows);
        fill.Stop();
        await VacuumAsync(db, vacuums);
        var run = new List<QueueVariant>();
        var perRound = Math.Max(1, samples / rounds);
        foreach (var (name, query, where) in Variants)
        {
            var service = ServiceQuery(http, new Uri(baseAddress, "/api/referrals" + query), token);
            var raw = RawQuery(db, where);
            // Warm both sides once (connections, plans, JIT), then alternate them request by request, in rounds.
            for (var i = 0; i < Math.Max(3, samples / 10); i++)
            {
                await service();
                await raw();
            }
            var serviceRounds = new List<double[]>();
            var rawRounds = new List<double[]>();
            for (var round = 1; round <= rounds; round++)
            {
                var (viaService, viaSql) = (new double[perRound], new double[perRound]);
                for (var i = 0; i < perRound; i++)
                {
                    // Request by request, each side first in turn, so both see the same moments of the machine.
                    if ((i + round) % 2 == 0)
                    {
                        viaService[i] = await TimeAsync(service);
                        viaSql[i] = await TimeAsync(raw);
                    }
                    else
                    {
                        viaSql[i] = await TimeAsync(raw);
                        viaService[i] = await TimeAsync(service);
                    }
                }
                Array.Sort(viaService);
                Array.Sort(viaSql);
                serviceRounds.Add(viaService);
                rawRounds.Add(viaSql);
            }
            var variant = new QueueVariant(name,
                QueueTiming.Of($"service: {name}", Pooled(serviceRounds)),
                QueueTiming.Of($"raw SQL: {name}", Pooled(rawRounds)),
                Spread.Of(serviceRounds.Select(r => Load.Percentile(r, 0.95))),
                Spread.Of(serviceRounds.Zip(rawRounds, (s, r) => Load.Percentile(s, 0.95) / Load.Percentile(r, 0.95))));
            foreach (var timing in new[] { variant.Service, variant.Raw })
                Console.WriteLine($"  {timing.Variant,-40} p50 {timing.P50Ms,6:F2} ms  p95 {timing.P95Ms,6:F2} ms  p99 {timing.P99Ms,6:F2} ms");
            Console.WriteLine($"  {"p95 service ÷ raw SQL, per round",-40} median {variant.P95Ratio.Median:F2} ({variant.P95Ratio.Min:F2}–{variant.P95Ratio.Max:F2}, {rounds} rounds)");
            run.Add(variant);
        }
        return new QueueRun(await CountAsync(db), added, fill.Elapsed, run);
    }

    private static double[] Pooled(IEnumerable<double[]> rounds)
    {
        var all = rounds.SelectMany(r => r).ToArray();
        Array.Sort(all);
        return all;
    }

    private static async Task<int> CountAsync(NpgsqlDataSource db)
    {
        await using var count = db.CreateCommand("select count(*) from matching.mt_doc_referralqueueitem");
        return (int)(long)(await count.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// The state autovacuum reaches soon after a bulk insert (its insert threshold): statistics and a visibility map,
    /// without which an exact count cannot be answered from an index alone. A vacuum marks no page all-visible while
    /// a transaction older than the insert runs (the service's agents poll), so it is repeated until it has.
    /// </summary>
    private static async Task VacuumAsync(NpgsqlDataSource db, int attempts)
    {
        var visible = 0.0;
        for (var attempt = 0; attempt < attempts && visible < 0.99; attempt++)
        {
            if (attempt > 0) await Task.Delay(TimeSpan.FromSeconds(1));
            await using (var vacuum = db.CreateCommand("vacuum (analyze) matching.mt_doc_referralqueueitem, matching.referral_queue_counts"))
            {
                vacuum.CommandTimeout = 600;
                await vacuum.ExecuteNonQueryAsync();
            }
            await using var map = db.CreateCommand(
                "select relallvisible::float8 / greatest(relpages, 1) from pg_class where oid = 'matching.mt_doc_referralqueueitem'::regclass");
            visible = (double)(await map.ExecuteScalarAsync())!;
        }
        Console.WriteLine($"  vacuumed: {visible:P0} of the queue table's pages all-visible");
    }

    /// <summary>
    /// Queue rows as the projection would leave them: a spread of statuses, 5% urgent, due dates around now. Written
    /// with Marten's bulk COPY, <see cref="FillChunk" /> rows a transaction from two streams at once, so memory stays
    /// flat however many rows there are. The counts trigger is dropped for the load (it halves a bulk load's rate, and
    /// its counter rows would serialize the two streams), then applying the schema puts it back and counts the rows
    /// again, as db-apply or a start-up apply does when it finds the trigger missing.
    /// </summary>
    public static async Task FillAsync(DocumentStore store, int count, int seed = 11)
    {
        if (count == 0) return;
        await using (var connection = store.Storage.Database.CreateConnection())
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand("drop trigger if exists referral_queue_counts_row on matching.mt_doc_referralqueueitem", connection);
            await drop.ExecuteNonQueryAsync();
        }

        var clinicians = Enumerable.Range(0, 200).Select(_ => Guid.CreateVersion7()).ToArray();
        var now = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        long written = 0, shownAt = 0;
        const int streams = 2;
        await Task.WhenAll(Enumerable.Range(0, streams).Select(stream => Task.Run(async () =>
        {
            var random = new Random(seed * streams + stream);
            var items = new List<ReferralQueueItem>(FillChunk);
            for (var i = stream; i < count; i += streams)
            {
                items.Add(Item(random, i, now, clinicians));
                if (items.Count < FillChunk && i + streams < count) continue;
                await store.BulkInsertDocumentsAsync(items, BulkInsertMode.InsertsOnly, batchSize: 5_000);
                var total = Interlocked.Add(ref written, items.Count);
                items.Clear();
                var at = clock.ElapsedMilliseconds;
                var last = Interlocked.Read(ref shownAt);
                if (at - last > 5_000 && Interlocked.CompareExchange(ref shownAt, at, last) == last)
                    Console.WriteLine($"    ... {total:N0} of {count:N0} rows written ({total / clock.Elapsed.TotalSeconds:N0}/s)");
            }
        })));
        Console.WriteLine($"    ... {count:N0} rows written in {clock.Elapsed.TotalSeconds:F1} s ({count / clock.Elapsed.TotalSeconds:N0}/s)");

        var counting = Stopwatch.StartNew();
        // The schema's apply finds the trigger missing, puts it back and counts the rows again.
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        // Both sides read their totals from the counts the trigger keeps: a fill they missed would give wrong totals.
        await using (var connection = store.Storage.Database.CreateConnection())
        {
            await connection.OpenAsync();
            await using var check = new NpgsqlCommand(
                "select (select coalesce(sum(referrals), 0) from matching.referral_queue_counts) = (select count(*) from matching.mt_doc_referralqueueitem)",
                connection);
            if (!(bool)(await check.ExecuteScalarAsync())!)
                throw new InvalidOperationException("The queue counts do not match the queue rows after the fill.");
        }
        Console.WriteLine($"    ... counts trigger back and the rows counted again in {counting.Elapsed.TotalSeconds:F1} s");
    }

    private static ReferralQueueItem Item(Random random, int i, DateTimeOffset now, Guid[] clinicians)
    {
        var statuses = Enum.GetValues<ReferralStatus>();
        var status = statuses[random.Next(statuses.Length)];
        var urgent = random.Next(20) == 0;
        var submitted = now.AddMinutes(-random.Next(1, 180 * 24 * 60));
        var withClinician = status is ReferralStatus.Proposed or ReferralStatus.Accepted or ReferralStatus.Booked;
        var awaitingAck = urgent && random.Next(4) == 0;
        var id = Guid.CreateVersion7();
        var item = new ReferralQueueItem
        {
            Id = id,
            Version = 3,
            ClientName = $"Client {i}",
            // As the projection keeps them, so the search's indexes hold a realistic million rows.
            SearchText = $"client {i} client{i}@example.org 303{i:0000000}",
            Reference = ReferralReference.Of(id),
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
        return item with { NextAction = step.Action, DueAt = step.DueAt?.ToUniversalTime() };
    }

    private static Func<Task> ServiceQuery(HttpClient client, Uri uri, string token) => async () =>
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync();
    };

    /// <summary>
    /// The same answer as the service's page by hand, read without deserializing: the exact total (both variants filter
    /// by status alone, so it is the sum of the trigger-kept counts per status, as the service reads it) and the first 50 rows
    /// in the queue's order with their clinician's name, in one round trip. The order starts with a key computed from
    /// the clock, so the rows are read as four parts (awaiting acknowledgement × overdue), each in index order and
    /// only as far as the page still needs, then sorted by part over at most 50 rows.
    /// </summary>
    private static Func<Task> RawQuery(NpgsqlDataSource db, string where)
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
        return Query;
    }

    private static async Task<double> TimeAsync(Func<Task> operation)
    {
        var started = Stopwatch.GetTimestamp();
        await operation();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }
}
