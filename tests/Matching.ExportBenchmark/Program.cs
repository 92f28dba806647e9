using Matching.DevHost;
// Exports N audit entries (default 1,000,000) as CSV and NDJSON and reports the process's peak working set.
// Not part of the test run (it takes minutes): dotnet run -c Release --project tests/Matching.ExportBenchmark [-- 1000000]
// Uses MATCHING_TEST_POSTGRES when set, otherwise a throwaway local PostgreSQL.
using System.Diagnostics;
using JasperFx;
using Marten;
using Matching.Service.Audit;
using Matching.Service.Infrastructure;
using Npgsql;
using Weasel.Core;

var count = args.Length > 0 ? int.Parse(args[0]) : 1_000_000;
LocalPostgres? local = null;
var server = Environment.GetEnvironmentVariable("MATCHING_TEST_POSTGRES");
var folder = Path.Combine(Path.GetTempPath(), $"matching-export-bench-{Environment.ProcessId}");
if (string.IsNullOrWhiteSpace(server))
{
    local = await LocalPostgres.StartAsync(folder, port: null, Console.WriteLine);
    server = local.ConnectionString("postgres");
}

try
{
    var database = $"audit_bench_{Environment.ProcessId}";
    await using (var admin = new NpgsqlConnection(server))
    {
        await admin.OpenAsync();
        await new NpgsqlCommand($"drop database if exists {database} with (force)", admin).ExecuteNonQueryAsync();
        await new NpgsqlCommand($"create database {database}", admin).ExecuteNonQueryAsync();
    }
    var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;

    using var store = DocumentStore.For(opts =>
    {
        opts.Connection(connectionString);
        opts.DatabaseSchemaName = "matching";
        opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
        opts.AutoCreateSchemaObjects = AutoCreate.All;
        AuditModule.ConfigureDocuments(opts);
    });
    await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

    var insert = Stopwatch.StartNew();
    await using (var connection = new NpgsqlConnection(connectionString))
    {
        await connection.OpenAsync();
        // One set-based insert: entries shaped like a real one (an intake's worth of data, a hash).
        await using var command = new NpgsqlCommand("""
            insert into matching.mt_doc_auditentry (id, data, mt_version, mt_dotnet_type, referral_id, actor_sub, at)
            select n, jsonb_build_object(
                'id', n, 'streamId', gen_random_uuid(), 'referralId', gen_random_uuid(), 'kind', 'event',
                'type', 'ReferralTriaged', 'typeAlias', 'referral_triaged',
                'at', to_char(timestamptz '2026-01-01' + n * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'),
                'actor', jsonb_build_object('sub', 'coord-' || (n % 50), 'name', 'Coordinator ' || (n % 50), 'role', 'coordinator'),
                'actorSub', 'coord-' || (n % 50), 'correlationId', md5(n::text), 'causationId', md5((n + 1)::text),
                'summary', 'Triaged as routine',
                'data', jsonb_build_object('priority', 'Routine', 'note', repeat('x', 200)),
                'hash', encode(sha256(n::text::bytea), 'hex')),
              gen_random_uuid(), 'Matching.Service.Audit.AuditEntry', null, 'coord-' || (n % 50),
              timestamptz '2026-01-01' + n * interval '1 second'
            from generate_series(1, @count) n
            """, connection);
        command.CommandTimeout = 0;
        command.Parameters.AddWithValue("count", count);
        await command.ExecuteNonQueryAsync();
        await new NpgsqlCommand("analyze matching.mt_doc_auditentry", connection).ExecuteNonQueryAsync();
    }
    Console.WriteLine($"Inserted {count:N0} audit entries in {insert.Elapsed.TotalSeconds:0.0} s");

    foreach (var csv in new[] { true, false })
    {
        GC.Collect();
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var baseline = process.WorkingSet64;
        long peak = baseline;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);
                try { await Task.Delay(20, sampling.Token); } catch (OperationCanceledException) { }
            }
        });

        var output = new CountingStream();
        var watch = Stopwatch.StartNew();
        await using (var session = store.QuerySession())
        {
            await AuditExport.WriteAsync(session, new AuditRange(null, null), csv, output, CancellationToken.None);
        }
        watch.Stop();
        sampling.Cancel();
        await sampler;
        process.Refresh();

        Console.WriteLine($"{(csv ? "csv   " : "ndjson")}: {output.Lines:N0} lines, {output.Length / 1024.0 / 1024:N0} MiB in {watch.Elapsed.TotalSeconds:0.0} s; " +
                          $"working set before {baseline / 1024.0 / 1024:0} MiB, peak during export {peak / 1024.0 / 1024:0} MiB; " +
                          $"process peak working set {process.PeakWorkingSet64 / 1024.0 / 1024:0} MiB");
    }

    await MeasureAccessRecordingAsync(connectionString);

    await using (var admin = new NpgsqlConnection(server))
    {
        await admin.OpenAsync();
        await new NpgsqlCommand($"drop database if exists {database} with (force)", admin).ExecuteNonQueryAsync();
    }
}
finally
{
    local?.Stop();
    try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
}

// The cost of recording an access: a referral read alone, side by side with the same read plus the
// PersonalDataAccessed append and its commit, alternating, medians of 200 each after 20 warm-ups.
static async Task MeasureAccessRecordingAsync(string connectionString)
{
    using var store = DocumentStore.For(opts =>
    {
        opts.Connection(connectionString);
        opts.DatabaseSchemaName = "matching";
        opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
        opts.AutoCreateSchemaObjects = AutoCreate.All;
        opts.Events.MetadataConfig.HeadersEnabled = true;
        opts.Events.MetadataConfig.CorrelationIdEnabled = true;
        opts.Events.MetadataConfig.CausationIdEnabled = true;
        Matching.Service.Referrals.ReferralsModule.Configure(opts, new MatchingOptions());
    });
    await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

    var referralId = Guid.NewGuid();
    var intake = new Matching.Service.Referrals.Intake(
        new Matching.Service.Referrals.ClientDetails("Ann", "Lee", "ann@example.org", null, new DateOnly(1990, 4, 2), "CO", null, null),
        Matching.Service.Shared.SessionType.Individual, [Matching.Service.Shared.Concern.Trauma], null,
        Matching.Service.Shared.FormatPreference.Either, new Matching.Service.Referrals.Payment(Matching.Service.Referrals.PaymentMethod.SelfPay, null, null, 150),
        ["English"], null, null, new Matching.Service.Referrals.SafetyAnswers(Matching.Service.Referrals.SelfHarmAnswer.NotAtAll), false, null,
        new Matching.Service.Referrals.Consent(true, true));
    await using (var session = store.LightweightSession())
    {
        session.Events.StartStream<Matching.Service.Referrals.Referral>(referralId,
            new Matching.Service.Referrals.IntakeSubmitted(intake, new DateOnly(2026, 11, 26), Matching.Service.Shared.AgeGroup.Adult));
        await session.SaveChangesAsync();
    }

    var plain = new List<double>();
    var recorded = new List<double>();
    for (var i = 0; i < 220; i++)
    {
        await using var session = store.LightweightSession();
        var watch = Stopwatch.StartNew();
        await session.LoadAsync<Matching.Service.Referrals.Referral>(referralId);
        var read = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        await session.LoadAsync<Matching.Service.Referrals.Referral>(referralId);
        AccessLog.Record(session, referralId, AccessLog.ReferralDetail, actorSub: "bench");
        await session.SaveChangesAsync();
        if (i < 20) continue;
        plain.Add(read);
        recorded.Add(watch.Elapsed.TotalMilliseconds);
    }
    static double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
    Console.WriteLine($"access recording: read median {Median(plain):0.00} ms; read + access median {Median(recorded):0.00} ms; " +
                      $"extra {Median(recorded) - Median(plain):0.00} ms; ratio {Median(recorded) / Median(plain):0.00}");
}

/// <summary>Discards what is written, counting bytes and lines.</summary>
sealed class CountingStream : Stream
{
    public long Lines { get; private set; }
    private long _length;
    public override long Length => _length;
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Position { get => _length; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _length += buffer.Length;
        foreach (var b in buffer) if (b == (byte)'\n') Lines++;
    }
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }
}
