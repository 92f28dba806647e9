using System.Diagnostics;
using JasperFx.Events;
using Marten;
using Matching.Service.Audit;
using Matching.Service.Referrals;
using Matching.Service.Referrals.SubmittingIntake;
using Matching.Service.Reports;
using Matching.Service.Shared;
using Npgsql;

namespace Matching.LoadBench;

public sealed record RebuildTiming(string Projection, TimeSpan Elapsed, long Events)
{
    public double PerSecond => Events / Elapsed.TotalSeconds;
}

public sealed record RebuildResult(long Events, TimeSpan Generation, IReadOnlyList<RebuildTiming> Projections, TimeSpan RawRead,
    TimeSpan Together)
{
    /// <summary>Every async projection rebuilt at once, as a deploy that changes several does.</summary>
    public double TogetherPerSecond => Events / Together.TotalSeconds;
    public TimeSpan AllProjections => TimeSpan.FromTicks(Projections.Sum(p => p.Elapsed.Ticks));
    public double AllPerSecond => Events / AllProjections.TotalSeconds;
    public double RawPerSecond => Events / RawRead.TotalSeconds;
}

/// <summary>(d) Every async projection rebuilt from a log of referral stories, next to a raw sequential read of that log.</summary>
public static class Rebuild
{
    /// <summary>The service's async projections (report facts, audit trail); the inline ones are kept by each command.</summary>
    public static readonly string[] AsyncProjections = [nameof(ReferralFacts), AuditProjection.ProjectionName];

    public const int EventsPerStory = 10;

    public static async Task<RebuildResult> RunAsync(DocumentStore store, NpgsqlDataSource db, int events)
    {
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var generation = Stopwatch.StartNew();
        await GenerateAsync(store, events);
        generation.Stop();
        await using (var count = db.CreateCommand("select count(*) from matching.mt_events"))
            events = (int)(long)(await count.ExecuteScalarAsync())!;
        Console.WriteLine($"  generated {events:N0} events in {generation.Elapsed.TotalSeconds:F1} s (bulk COPY)");
        // The statistics autovacuum gathers soon after a bulk load: without them the daemon's event query runs a poor
        // plan for the first minute or so of a rebuild.
        await using (var analyze = db.CreateCommand("vacuum (analyze) matching.mt_events, matching.mt_streams"))
        {
            analyze.CommandTimeout = 600;
            await analyze.ExecuteNonQueryAsync();
        }

        var timings = new List<RebuildTiming>();
        foreach (var projection in AsyncProjections)
        {
            using var daemon = await store.BuildProjectionDaemonAsync();
            using var progress = new CancellationTokenSource();
            var reporter = ReportProgressAsync(db, projection + ":All", events, progress.Token);
            var clock = Stopwatch.StartNew();
            await daemon.RebuildProjectionAsync(projection, TimeSpan.FromMinutes(30), CancellationToken.None);
            clock.Stop();
            await progress.CancelAsync();
            await reporter;
            timings.Add(new RebuildTiming(projection, clock.Elapsed, events));
            Console.WriteLine($"  rebuilt {projection} in {clock.Elapsed.TotalSeconds:F1} s: {events / clock.Elapsed.TotalSeconds:N0} events/s");
        }

        // Then all of them at once, each on its own daemon, as after a deploy that changes several.
        var together = Stopwatch.StartNew();
        using (var progress = new CancellationTokenSource())
        {
            var reporters = AsyncProjections.Select(p => ReportProgressAsync(db, p + ":All", events, progress.Token)).ToArray();
            await Task.WhenAll(AsyncProjections.Select(async projection =>
            {
                using var daemon = await store.BuildProjectionDaemonAsync();
                await daemon.RebuildProjectionAsync(projection, TimeSpan.FromMinutes(30), CancellationToken.None);
            }));
            together.Stop();
            await progress.CancelAsync();
            await Task.WhenAll(reporters);
        }
        Console.WriteLine($"  rebuilt all async projections at once in {together.Elapsed.TotalSeconds:F1} s: {events / together.Elapsed.TotalSeconds:N0} events/s");

        // Not timed: a fast rebuild is only worth having if its chain verifies.
        var check = Stopwatch.StartNew();
        var integrity = await AuditIntegrity.VerifyAsync(store, null, CancellationToken.None);
        Console.WriteLine($"  audit integrity after the rebuild: verified {integrity.Verified}, {integrity.Checked:N0} entries checked ({check.Elapsed.TotalSeconds:F1} s)");
        if (!integrity.Verified) throw new InvalidOperationException($"The rebuilt audit trail does not verify: {integrity.FirstMismatch}");

        var read = await RawReadAsync(db);
        Console.WriteLine($"  raw sequential read: {read.TotalSeconds:F1} s: {events / read.TotalSeconds:N0} events/s");
        return new RebuildResult(events, generation.Elapsed, timings, read, together.Elapsed);
    }

    /// <summary>Stories of ten events (intake, triage, three contacts, proposal, acceptance, booking, attendance... ), 1,000 stories a COPY.</summary>
    private static async Task GenerateAsync(DocumentStore store, int events)
    {
        var stories = Math.Max(1, events / EventsPerStory);
        var random = new Random(7);
        var clinicians = Enumerable.Range(0, 200).Select(_ => Guid.CreateVersion7()).ToArray();
        var start = DateTimeOffset.UtcNow.AddDays(-365);
        var batch = new List<StreamAction>(1000);
        var last = Stopwatch.StartNew();
        for (var s = 0; s < stories; s++)
        {
            var id = Guid.CreateVersion7();
            var at = start.AddMinutes(random.Next(0, 365 * 24 * 60 - 60 * 24 * 30));
            var clinician = clinicians[random.Next(clinicians.Length)];
            var proposal = Guid.CreateVersion7();
            var session = Guid.CreateVersion7();
            var intake = Payloads.Intake(s);
            object[] story =
            [
                new IntakeSubmitted(SubmitIntakeHandler.Kept(intake), DateOnly.FromDateTime(at.UtcDateTime), AgeGroup.Adult),
                new ReferralTriaged(TriagePriority.Routine, null),
                new ContactAttempted(ContactChannel.Phone, ContactOutcome.NoAnswer, null),
                new ContactAttempted(ContactChannel.Email, ContactOutcome.LeftMessage, null),
                new ContactAttempted(ContactChannel.Phone, ContactOutcome.Reached, null),
                new MatchProposed(proposal, clinician, at.AddDays(5), null, null, null),
                new ProposalAccepted(proposal, clinician, null),
                new FirstSessionBooked(session, clinician, at.AddDays(9), 50, SessionFormat.Telehealth),
                new FirstSessionRescheduled(session, clinician, at.AddDays(9), at.AddDays(10), 50),
                new FirstSessionAttended(session, clinician, null)
            ];
            var action = StreamAction.Start(store.Events, id, story);
            action.AggregateType = typeof(Referral);
            var i = 0;
            foreach (var e in action.Events)
            {
                e.Timestamp = at.AddHours(i++ * 20);
                e.SetHeader(Matching.Service.Infrastructure.Actor.SubHeader, "coord-1");
                e.SetHeader(Matching.Service.Infrastructure.Actor.NameHeader, "Coordinator");
                e.SetHeader(Matching.Service.Infrastructure.Actor.RoleHeader, "coordinator");
                e.UserName = "coord-1";
            }
            batch.Add(action);
            if (batch.Count == 1000 || s == stories - 1)
            {
                await store.BulkInsertEventsAsync(batch, 1000);
                batch.Clear();
                if (last.Elapsed > TimeSpan.FromSeconds(5))
                {
                    Console.WriteLine($"    ... {(s + 1) * (long)EventsPerStory:N0} of {stories * (long)EventsPerStory:N0} events");
                    last.Restart();
                }
            }
        }
    }

    private static async Task ReportProgressAsync(NpgsqlDataSource db, string shard, long events, CancellationToken token)
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), token);
                await using var command = db.CreateCommand("select coalesce(max(last_seq_id), 0) from matching.mt_event_progression where name = $1");
                command.Parameters.AddWithValue(shard);
                var at = (long)(await command.ExecuteScalarAsync(token))!;
                Console.WriteLine($"    ... {shard}: {at:N0} of {events:N0}");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>What the daemon's loader reads (the same columns and join), in one sequential pass.</summary>
    private static async Task<TimeSpan> RawReadAsync(NpgsqlDataSource db)
    {
        var clock = Stopwatch.StartNew();
        await using var command = db.CreateCommand("""
            select d.data::text, d.type, d.mt_dotnet_type, d.seq_id, d.id, d.stream_id, d.version, d.timestamp, d.tenant_id,
                   d.correlation_id, d.causation_id, d.headers::text, d.user_name, s.type
            from matching.mt_events as d inner join matching.mt_streams as s on d.stream_id = s.id
            where d.is_archived = false order by d.seq_id
            """);
        await using var reader = await command.ExecuteReaderAsync();
        long rows = 0, chars = 0;
        while (await reader.ReadAsync())
        {
            chars += reader.GetString(0).Length;
            rows++;
        }
        clock.Stop();
        return clock.Elapsed;
    }
}
