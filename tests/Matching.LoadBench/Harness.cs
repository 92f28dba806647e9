using Matching.DevHost;
using System.Diagnostics;
using System.Net;
using Marten;
using Matching.Service.Infrastructure;
using Matching.Service.Reports;
using Npgsql;

namespace Matching.LoadBench;

/// <summary>Everything one run measured, for the report.</summary>
public sealed class RunResults
{
    public required Settings Settings { get; init; }
    /// <summary>Every pass: single passes (round 0) and each round of the goal's concurrency.</summary>
    public List<LoadResult> Loads { get; } = [];
    public RebuildResult? Rebuild { get; set; }
    public List<QueueRun> Queue { get; } = [];
    public List<double> ColdStartsMs { get; } = [];
    /// <summary>Cold starts of the service published ReadyToRun, as its container image is; empty when not measured.</summary>
    public List<double> ColdStartsReadyToRunMs { get; } = [];
    /// <summary>Peak working set (VmHWM) of the API node over the load and the queue reads.</summary>
    public double ApiPeakWorkingSetMiB { get; set; }
    /// <summary>Peak working set of the worker beside it over the load (it runs the async projections).</summary>
    public double WorkerPeakWorkingSetMiB { get; set; }
    public FailoverResult Failover { get; } = new();
    public (int Intakes, double Rate, int Samples, double P50Ms, double P95Ms, double MaxMs) Freshness { get; set; }
    public Dictionary<string, string> Machine { get; } = [];
    public TimeSpan Elapsed { get; set; }

    public IReadOnlyList<LoadResult> Passes(string scenario, int concurrency) =>
        Loads.Where(l => l.Scenario == scenario && l.Concurrency == concurrency).OrderBy(l => l.Round).ToList();

    /// <summary>
    /// Throughput of one scenario over another, round by round: each round's pass over the same round's (a single pass
    /// gives one value; rounds over a single pass, such as a2 over a1, are each divided by it).
    /// </summary>
    public Spread Ratio(string top, string bottom, int concurrency)
    {
        var bottoms = Passes(bottom, concurrency);
        LoadResult? Beside(LoadResult pass) => bottoms.FirstOrDefault(b => b.Round == pass.Round) ?? (bottoms.Count == 1 ? bottoms[0] : null);
        return Spread.Of(Passes(top, concurrency).Select(p => Beside(p) is { } b ? p.PerSecond / b.PerSecond : double.NaN));
    }

    /// <summary>Throughput of one scenario, round by round.</summary>
    public Spread Throughput(string scenario, int concurrency) => Spread.Of(Passes(scenario, concurrency).Select(p => p.PerSecond));
}

/// <summary>
/// One run, side by side: raw Npgsql (a1, a2), Marten (b), an API node over HTTP with a worker node beside it (c),
/// rebuilds (d), the queue page (e), report freshness, memory, worker failover and cold start; then the "Service against
/// PostgreSQL" section of docs/benchmarks.md. At the goals' concurrency a2, b and c run alternately in rounds, and each
/// ratio is reported as its median and range over the rounds.
/// `--quick` is a reduced run, `--smoke` a tiny one that only proves every part runs (every test run takes it);
/// `--out FILE` writes elsewhere; `--postgres CONNSTR` (or MATCHING_TEST_POSTGRES) names a server to use.
/// </summary>
public static class Harness
{
    public const string A1 = "a1 raw insert";
    public const string A2Intake = "a2 raw intake";
    public const string A2Lifecycle = "a2 raw contact attempt";
    public const string BIntake = "b Marten intake";
    public const string BLifecycle = "b Marten contact attempt";
    public const string CIntake = "c HTTP intake";
    public const string CLifecycle = "c HTTP contact attempt";

    /// <summary>Every write scenario, in the order the report lists them.</summary>
    public static readonly string[] Scenarios = [A1, A2Intake, A2Lifecycle, BIntake, BLifecycle, CIntake, CLifecycle];

    public static async Task<int> RunAsync(string[] args)
    {
        var level = args.Contains("--smoke") ? Level.Smoke : args.Contains("--quick") ? Level.Quick : Level.Full;
        // `--only rebuild` measures the rebuilds alone (to try a change to a projection; the report then has only that part),
        // `--only queue` the coordinator queue page alone.
        // `--trace <dir>` records a CPU profile of the machine (perf) during each (c) scenario at concurrency 8.
        var settings = Settings.For(level) with { Only = Arg(args, "--only"), TraceDirectory = Arg(args, "--trace") };
        // The full run also publishes the service ReadyToRun (a minute or two) to time the deployed artifact's cold start.
        if (args.Contains("--ready-to-run")) settings = settings with { ReadyToRun = true };
        if (settings.TraceDirectory is not null) ServiceTrace.EnableSymbolMaps();
        // `--service-env NAME=VALUE` (repeatable) sets a variable for the service process only: runtime knobs to try side by side.
        settings = settings with { ServiceEnvironment = ServiceEnvironment(args) };
        foreach (var (name, value) in settings.ServiceEnvironment) Console.WriteLine($"  service environment: {name}={value}");
        var root = RepositoryRoot();
        var output = Arg(args, "--out") ?? Path.Combine(root, "docs", "benchmarks.md");
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"Load benchmark ({level}): concurrency {string.Join(", ", settings.Concurrency)}, " +
                          $"{settings.Duration.TotalSeconds:0.##} s each after {settings.WarmUp.TotalSeconds:0.##} s warm-up");

        var (server, stopServer) = await ServerAsync(Arg(args, "--postgres"));
        try
        {
            var results = new RunResults { Settings = settings };
            await DescribeMachineAsync(server, results);
            await RunAllAsync(root, server, settings, results);
            results.Elapsed = clock.Elapsed;
            Report.Write(output, results);
            Console.WriteLine($"Wrote the \"{Report.Heading}\" section of {output} ({clock.Elapsed.TotalSeconds:F0} s in all).");
            return 0;
        }
        finally
        {
            stopServer();
        }
    }

    private static async Task RunAllAsync(string root, string server, Settings settings, RunResults results)
    {
        var run = $"{Environment.ProcessId}";
        if (settings.Only == "rebuild")
        {
            var only = await CreateDatabaseAsync(server, $"bench_rebuild_{run}");
            using var onlyStore = (DocumentStore)MartenScenarios.OpenStore(only);
            await using var onlySource = NpgsqlDataSource.Create(only);
            results.Rebuild = await Rebuild.RunAsync(onlyStore, onlySource, settings.RebuildEvents);
            await DropDatabaseAsync(server, only);
            return;
        }

        await using var identity = await BenchIdentity.StartAsync();
        if (settings.Only == "queue")
        {
            await QueueOnlyAsync(root, server, run, settings, identity, results);
            return;
        }

        var storeDb = await CreateDatabaseAsync(server, $"bench_store_{run}");
        var serviceDb = await CreateDatabaseAsync(server, $"bench_service_{run}");
        var rebuildDb = await CreateDatabaseAsync(server, $"bench_rebuild_{run}");

        try
        {
            await using var storeSource = NpgsqlDataSource.Create(storeDb);
            using var store = (DocumentStore)MartenScenarios.OpenStore(storeDb);
            var marten = new MartenScenarios(store);
            var raw = new RawScenarios(storeSource);
            async Task<Guid[]> SetUpStoreAsync()
            {
                // The whole schema, the queue counts trigger too, so (a2) and (b) write what (c) writes.
                await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
                await raw.PrepareAsync(await marten.IntakeAsync());
                Console.WriteLine($"Creating {settings.LifecycleReferrals:N0} referrals for the contact attempts (store database) ...");
                return await MartenScenarios.CreateReferralsAsync(store, settings.LifecycleReferrals);
            }

            Task<Guid[]>? storeSetUp = null;
            if (!settings.SideBySide) await (storeSetUp = SetUpStoreAsync());

            Console.WriteLine($"Creating {settings.LifecycleReferrals:N0} referrals for the contact attempts (service database) ...");
            using var serviceStore = (DocumentStore)MartenScenarios.OpenStore(serviceDb);
            await serviceStore.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            var serviceReferrals = await MartenScenarios.CreateReferralsAsync(serviceStore, settings.LifecycleReferrals);
            await using var serviceSource = NpgsqlDataSource.Create(serviceDb);

            var dll = ServiceProcess.ServiceDll(root);
            using var http = new HttpClient(new SocketsHttpHandler
            {
                MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10), UseCookies = false
            }) { Timeout = TimeSpan.FromSeconds(60) };
            var token = await identity.CoordinatorTokenAsync();

            Console.WriteLine("Starting an API node and a worker node (child processes, Production, static generated code) ...");
            storeSetUp ??= SetUpStoreAsync();
            var nodesStarted = Stopwatch.StartNew();
            await using (var cluster = new Cluster(identity, serviceDb, dll, settings.ServiceEnvironment, Console.WriteLine))
            {
                var api = await cluster.StartNodeAsync("api", NodeRole.Api);
                var worker = await cluster.StartNodeAsync("worker", NodeRole.Worker);
                await api.WaitForFirstIntakeAsync(http, TimeSpan.FromSeconds(90));
                Console.WriteLine($"  both ready and the first intake answered {nodesStarted.Elapsed.TotalSeconds:F1} s after the API node's start (schema check included); " +
                                  $"working set now: API node {api.WorkingSetMiB():F0} MiB, worker {worker.WorkingSetMiB():F0} MiB");
                var storeReferrals = await storeSetUp;
                await WaitForProjectionsAsync(serviceSource, TimeSpan.FromSeconds(120));

                Console.WriteLine("Report freshness under steady intake (20/s) ...");
                results.Freshness = await MeasureFreshnessAsync(http, api.BaseAddress, serviceSource, settings.FreshnessDuration);
                await WaitForProjectionsAsync(serviceSource, TimeSpan.FromSeconds(120));

                var intakeBody = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(Payloads.Intake(), Json.Options);
                var attemptBody = System.Text.Encoding.UTF8.GetBytes(Payloads.ContactAttemptJson);
                var intakeUri = new Uri(api.BaseAddress, "/api/intake");

                Func<int, long, Task> Operation(string scenario, int c) => scenario switch
                {
                    A1 => (_, _) => raw.InsertOneRowAsync(),
                    A2Intake => (_, _) => raw.IntakeAsync(),
                    A2Lifecycle => (w, n) => raw.ContactAttemptAsync(Pick(storeReferrals, c, w, n)),
                    BIntake => (_, _) => marten.IntakeAsync(),
                    BLifecycle => (w, n) => marten.ContactAttemptAsync(Pick(storeReferrals, c, w, n)),
                    CIntake => async (_, _) =>
                    {
                        using var content = Json.Content(intakeBody);
                        using var response = await http.PostAsync(intakeUri, content);
                        Expect(response, HttpStatusCode.Created);
                    },
                    CLifecycle => async (w, n) =>
                    {
                        var id = Pick(serviceReferrals, c, w, n);
                        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(api.BaseAddress, $"/api/referrals/{id}/contact-attempts"));
                        request.Headers.Authorization = new("Bearer", token);
                        request.Content = Json.Content(attemptBody);
                        using var response = await http.SendAsync(request);
                        Expect(response, HttpStatusCode.OK);
                    },
                    _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null)
                };

                async Task Measure(string scenario, int c, int round)
                {
                    var (warmUp, duration) = round == 0 ? (settings.WarmUp, settings.Duration) : (settings.RoundWarmUp, settings.RoundDuration);
                    var service = scenario is CIntake or CLifecycle;
                    await using (var trace = service && c == settings.GoalConcurrency && round <= 1 && settings.TraceDirectory is { } directory
                                     ? await ServiceTrace.StartAsync(api.Pid, directory, scenario)
                                     : null)
                        results.Loads.Add(await Load.RunAsync(scenario, c, warmUp, duration, Operation(scenario, c), round, settings.UntilAnOperation));
                    // The worker's catch-up after the service's load belongs to it, not to whatever runs next.
                    if (service) await WaitForProjectionsAsync(serviceSource, TimeSpan.FromSeconds(120));
                }

                foreach (var c in settings.Concurrency)
                {
                    if (c != settings.GoalConcurrency)
                    {
                        Console.WriteLine($"Concurrency {c}, one pass each:");
                        foreach (var scenario in Scenarios) await Measure(scenario, c, 0);
                        continue;
                    }
                    Console.WriteLine($"Concurrency {c}: {A1} once, then a2, b and c of each operation alternately in {settings.Rounds} rounds:");
                    await Measure(A1, c, 0);
                    for (var round = 1; round <= settings.Rounds; round++)
                    {
                        Console.WriteLine($" round {round} of {settings.Rounds}");
                        foreach (var trio in new[] { new[] { A2Intake, BIntake, CIntake }, [A2Lifecycle, BLifecycle, CLifecycle] })
                            foreach (var scenario in Rounds.Order(trio, round))
                                await Measure(scenario, c, round);
                    }
                }

                results.WorkerPeakWorkingSetMiB = worker.PeakWorkingSetMiB();
                results.ApiPeakWorkingSetMiB = api.PeakWorkingSetMiB();
                Console.WriteLine($"  peak working set so far: API node {results.ApiPeakWorkingSetMiB:F0} MiB, worker {results.WorkerPeakWorkingSetMiB:F0} MiB");

                var beside = settings.SideBySide ? ColdStartsAndRebuildAsync() : null;
                Console.WriteLine($"Failover, {settings.FailoverRepeats} of each drill (the API node stays up) ...");
                try
                {
                    await Failover.RunAsync(cluster, api, worker, settings.FailoverRepeats, results.Failover);
                }
                catch (Exception e) when (e is TimeoutException or HttpRequestException or InvalidOperationException)
                {
                    results.Failover.Failure = e.Message.Split(Environment.NewLine)[0];
                    Console.WriteLine($"  failover drill stopped: {results.Failover.Failure}");
                }

                foreach (var size in settings.QueueSizes)
                    results.Queue.Add(await QueueScenario.RunAsync(http, api.BaseAddress, token, serviceStore, serviceSource, size, settings.Rounds, settings.QueueSamples, settings.QueueVacuums));
                results.ApiPeakWorkingSetMiB = api.PeakWorkingSetMiB();
                Console.WriteLine($"  API node peak working set: {results.ApiPeakWorkingSetMiB:F0} MiB");
                if (beside is not null) await beside;
            }

            if (!settings.SideBySide)
            {
                await WaitForQuietDatabaseAsync(serviceSource);
                await ColdStartsAndRebuildAsync();
            }

            async Task ColdStartsAndRebuildAsync()
            {
                Console.WriteLine("Cold start of an API node in Production (to the first 2xx of an intake) ...");
                await TimeColdStartsAsync(dll, results.ColdStartsMs);
                if (settings.ReadyToRun)
                {
                    var published = await ServiceProcess.PublishReadyToRunAsync(root);
                    Console.WriteLine("Cold start of an API node in Production, published ReadyToRun (as the container image is) ...");
                    await TimeColdStartsAsync(published, results.ColdStartsReadyToRunMs);
                }

                Console.WriteLine($"Rebuilding every async projection over {settings.RebuildEvents:N0} events ...");
                using var rebuildStore = (DocumentStore)MartenScenarios.OpenStore(rebuildDb);
                await using var rebuildSource = NpgsqlDataSource.Create(rebuildDb);
                results.Rebuild = await Rebuild.RunAsync(rebuildStore, rebuildSource, settings.RebuildEvents);
            }

            async Task TimeColdStartsAsync(string entryAssembly, List<double> into)
            {
                var environment = new Dictionary<string, string>(settings.ServiceEnvironment ?? new Dictionary<string, string>())
                {
                    ["Matching__NodeRole"] = "api"
                };
                for (var i = 0; i < settings.ColdStarts; i++)
                {
                    await using var service = ServiceProcess.Start(entryAssembly, serviceDb, identity, applySchema: false, environment);
                    var elapsed = await service.WaitForFirstIntakeAsync(http, TimeSpan.FromSeconds(90));
                    into.Add(elapsed.TotalMilliseconds);
                    Console.WriteLine($"  cold start {i + 1}: {elapsed.TotalMilliseconds:F0} ms");
                }
            }
        }
        finally
        {
            await Task.WhenAll(new[] { storeDb, serviceDb, rebuildDb }.Select(db => DropDatabaseAsync(server, db)));
        }
    }

    /// <summary>`--only queue`: the coordinator queue page alone, on a database of its own (to try a change to the queue query).</summary>
    private static async Task QueueOnlyAsync(string root, string server, string run, Settings settings, BenchIdentity identity, RunResults results)
    {
        var serviceDb = await CreateDatabaseAsync(server, $"bench_queue_{run}");
        try
        {
            using var store = (DocumentStore)MartenScenarios.OpenStore(serviceDb);
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            await using var source = NpgsqlDataSource.Create(serviceDb);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            var token = await identity.CoordinatorTokenAsync();
            await using var cluster = new Cluster(identity, serviceDb, ServiceProcess.ServiceDll(root), settings.ServiceEnvironment, Console.WriteLine);
            var api = await cluster.StartNodeAsync("api", NodeRole.Api);
            foreach (var size in settings.QueueSizes)
                results.Queue.Add(await QueueScenario.RunAsync(http, api.BaseAddress, token, store, source, size, settings.Rounds, settings.QueueSamples, settings.QueueVacuums));
        }
        finally
        {
            await DropDatabaseAsync(server, serviceDb);
        }
    }

    /// <summary>Each worker keeps to its own referrals, so concurrent contact attempts never race for one stream.</summary>
    private static Guid Pick(Guid[] ids, int concurrency, int worker, long n)
    {
        var perWorker = Math.Max(1, ids.Length / concurrency);
        return ids[(worker + concurrency * (int)(n % perWorker)) % ids.Length];
    }

    private static void Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status) throw new HttpRequestException($"{(int)response.StatusCode} {response.ReasonPhrase}");
    }

    /// <summary>
    /// Cold starts time the service, not the database's housekeeping after the load: a checkpoint, then up to a minute
    /// for autovacuum workers (busy with the tables the load just filled) to finish.
    /// </summary>
    private static async Task WaitForQuietDatabaseAsync(NpgsqlDataSource db)
    {
        await using (var checkpoint = db.CreateCommand("checkpoint")) await checkpoint.ExecuteNonQueryAsync();
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (DateTime.UtcNow < deadline)
        {
            await using var workers = db.CreateCommand("select count(*) from pg_stat_activity where backend_type = 'autovacuum worker'");
            if ((long)(await workers.ExecuteScalarAsync())! == 0) return;
            await Task.Delay(500);
        }
        Console.WriteLine("  (autovacuum still running; timing cold starts anyway)");
    }

    /// <summary>Until every async projection has processed every event (so one scenario's catch-up doesn't land in the next).</summary>
    private static async Task WaitForProjectionsAsync(NpgsqlDataSource db, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            await using var command = db.CreateCommand("""
                select coalesce((select max(seq_id) from matching.mt_events), 0)
                     - coalesce((select min(last_seq_id) from matching.mt_event_progression where name like '%:All'), 0)
                """);
            if ((long)(await command.ExecuteScalarAsync())! <= 0) return;
            await Task.Delay(100);
        }
        Console.WriteLine("  (async projections still behind after the wait; going on)");
    }

    /// <summary>
    /// Intakes at a steady 20 per second while, every 100 ms, a query reads the report lag: the age (by the
    /// database clock) of the oldest event the report facts projection has not processed yet, 0 when caught up.
    /// </summary>
    private static async Task<(int, double, int, double, double, double)> MeasureFreshnessAsync(
        HttpClient http, Uri baseAddress, NpgsqlDataSource db, TimeSpan duration)
    {
        const int perSecond = 20;
        var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(Payloads.Intake(), Json.Options);
        using var stop = new CancellationTokenSource(duration);
        var submitted = 0;
        var submitter = Task.Run(async () =>
        {
            var clock = Stopwatch.StartNew();
            while (!stop.IsCancellationRequested)
            {
                using var content = Json.Content(body);
                using var response = await http.PostAsync(new Uri(baseAddress, "/api/intake"), content);
                Expect(response, HttpStatusCode.Created);
                submitted++;
                var due = TimeSpan.FromSeconds((double)submitted / perSecond);
                if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed);
            }
        });

        var samples = new List<double>();
        await using var command = db.CreateCommand("""
            select coalesce(extract(epoch from (now() - min(e.timestamp))), 0)::float8
            from matching.mt_events e
            where e.seq_id > coalesce((select last_seq_id from matching.mt_event_progression where name = $1), 0)
            """);
        command.Parameters.AddWithValue(ReportReads.FactsShard);
        while (!stop.IsCancellationRequested)
        {
            samples.Add((double)(await command.ExecuteScalarAsync())! * 1000);
            await Task.Delay(100);
        }
        await submitter;
        samples.Sort();
        var result = (submitted, submitted / duration.TotalSeconds, samples.Count, Load.Percentile(samples, 0.5), Load.Percentile(samples, 0.95), samples[^1]);
        Console.WriteLine($"  {submitted} intakes ({result.Item2:F1}/s), {samples.Count} samples: lag p50 {result.Item4:F0} ms, p95 {result.Item5:F0} ms, max {result.Item6:F0} ms");
        return result;
    }

    private static async Task DescribeMachineAsync(string server, RunResults results)
    {
        var m = results.Machine;
        m["nproc"] = Environment.ProcessorCount.ToString();
        m["CPU"] = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";
        var memory = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal")) : null;
        if (memory is not null) m["memory"] = $"{long.Parse(memory.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024 / 1024} GiB";
        m["OS"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription;
        m[".NET"] = Environment.Version.ToString();
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select version(), current_setting('fsync'), current_setting('synchronous_commit'), current_setting('full_page_writes'),
                   current_setting('shared_buffers'), current_setting('max_connections')
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        m["PostgreSQL"] = reader.GetString(0).Split(" on ")[0];
        m["PostgreSQL settings"] = $"fsync={reader.GetString(1)}, synchronous_commit={reader.GetString(2)}, full_page_writes={reader.GetString(3)}, " +
                                   $"shared_buffers={reader.GetString(4)}, max_connections={reader.GetString(5)}";
        m["client"] = "Npgsql pool (max 100) per data source, same machine, loopback";
    }

    private static async Task<(string Server, Action Stop)> ServerAsync(string? given)
    {
        var configured = given ?? Environment.GetEnvironmentVariable("MATCHING_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(configured))
            return (new NpgsqlConnectionStringBuilder(configured) { Database = "postgres", MaxPoolSize = 100 }.ConnectionString, () => { });
        var folder = Path.Combine(Path.GetTempPath(), $"matching-loadbench-pg-{Environment.ProcessId}");
        Console.WriteLine("Starting a private PostgreSQL from the local binaries ...");
        var server = await LocalPostgres.StartAsync(folder, port: null, Console.WriteLine);
        return (server.ConnectionString("postgres"), () =>
        {
            server.Stop();
            try { Directory.Delete(folder, recursive: true); } catch { /* the OS cleans the temp folder */ }
        });
    }

    private static async Task<string> CreateDatabaseAsync(string server, string name)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using (var drop = new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", connection)) await drop.ExecuteNonQueryAsync();
        await using (var create = new NpgsqlCommand($"create database \"{name}\"", connection)) await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    private static async Task DropDatabaseAsync(string server, string connectionString)
    {
        try
        {
            NpgsqlConnection.ClearAllPools();
            var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        catch (Exception e)
        {
            Console.WriteLine($"  (could not drop a benchmark database: {e.Message})");
        }
    }

    private static Dictionary<string, string> ServiceEnvironment(string[] args)
    {
        var variables = new Dictionary<string, string>();
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] != "--service-env") continue;
            var pair = args[i + 1].Split('=', 2);
            if (pair.Length == 2) variables[pair[0]] = pair[1];
        }
        return variables;
    }

    private static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Matching.EventSourced.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Run from inside the repository (Matching.EventSourced.sln not found above the program).");
    }
}
