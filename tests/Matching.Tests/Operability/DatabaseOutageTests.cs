using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Alba;
using JasperFx.CommandLine;
using Matching.DevHost;
using Matching.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Npgsql;

namespace Matching.Tests.Operability;

/// <summary>
/// The service on a PostgreSQL server of its own (the run's shared server can't be restarted under the other
/// classes), which the test stops and starts again while intakes arrive.
/// </summary>
public sealed class OutageFixture : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"matching-outage-pg-{Environment.ProcessId}");

    public LocalPostgres Server { get; private set; } = null!;
    public IAlbaHost Host { get; private set; } = null!;
    public string ConnectionString { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        JasperFxEnvironment.AutoStartHost = true;
        // Durable like a production server: a commit the service acknowledged survives the crash below.
        Server = await LocalPostgres.StartAsync(_folder, port: null, _ => { }, durable: true);
        await Server.CreateDatabaseIfMissingAsync("outage");
        ConnectionString = new NpgsqlConnectionStringBuilder(Server.ConnectionString("outage")) { Timeout = 3 }.ConnectionString;
        Host = await AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:Marten", ConnectionString);
            builder.UseSetting("Matching:IntakeRateLimitPerMinute", "100000");
            builder.UseSetting("Matching:ClientLinkRateLimitPerMinute", "100000");
        });
    }

    /// <summary>PostgreSQL goes away for <paramref name="outage" /> (an immediate stop, as a crash or a failover looks) and comes back.</summary>
    public async Task RestartAsync(TimeSpan outage)
    {
        Server.Stop();
        await Task.Delay(outage);
        Server = await LocalPostgres.StartAsync(_folder, Server.Port, _ => { }, durable: true);
    }

    public async Task DisposeAsync()
    {
        if (Host is not null) await Host.DisposeAsync();
        Server?.Stop();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { /* the OS cleans its temp folder */ }
    }
}

[Collection(RunAlone.Name)]
public class DatabaseOutageTests(OutageFixture app, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<OutageFixture>
{
    /// <summary>
    /// From the database's return: the time until the report projection is seen moving (its position advancing, or
    /// level with the store), read from the reports as a client would.
    /// </summary>
    private async Task<TimeSpan> ProjectionsResumedAsync(Stopwatch back)
    {
        long? first = null;
        while (back.Elapsed < TimeSpan.FromSeconds(30))
        {
            var (status, funnel) = await app.Host.Get("/api/reports/funnel", Tokens.Analyst);
            if (status == HttpStatusCode.OK)
            {
                var asOf = funnel!["asOf"]!;
                var sequence = asOf["sequence"]!.GetValue<long>();
                first ??= sequence;
                if (sequence > first || asOf["behind"]!.GetValue<long>() == 0) return back.Elapsed;
            }
            await Task.Delay(100);
        }
        return back.Elapsed;
    }

    private sealed record Attempt(string Key, HttpStatusCode Status, Guid? ReferralId, string? RetryAfter, string? ContentType);

    [Fact]
    public async Task while_the_database_restarts_requests_get_503_with_retry_after_and_the_service_recovers_with_nothing_acknowledged_lost()
    {
        using var client = app.Host.Server.CreateClient();
        var attempts = new ConcurrentBag<Attempt>();
        using var stop = new CancellationTokenSource();

        async Task LoadAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                var key = Guid.NewGuid().ToString();
                attempts.Add(await SendAsync(client, key));
                await Task.Delay(20);
            }
        }

        var load = Enumerable.Range(0, 4).Select(_ => Task.Run(LoadAsync)).ToArray();
        await Task.Delay(1_000);

        var restart = app.RestartAsync(TimeSpan.FromSeconds(3));
        // Readiness tells the truth while the database is away.
        await Task.Delay(1_000);
        using (var ready = await client.GetAsync("/health/ready")) ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        await restart;

        // Back by itself: intakes are served again, and readiness says so.
        var recovered = Stopwatch.StartNew();
        var projectionsResumed = ProjectionsResumedAsync(Stopwatch.StartNew());
        var probe = Guid.NewGuid().ToString();
        while ((await SendAsync(client, probe)).Status is not (HttpStatusCode.Created or HttpStatusCode.OK))
        {
            recovered.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30), "the service did not recover after the database came back");
            await Task.Delay(200);
        }
        using (var ready = await client.GetAsync("/health/ready")) ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        await Task.Delay(1_000);
        stop.Cancel();
        await Task.WhenAll(load);

        var resumed = await projectionsResumed;
        output.WriteLine($"Report projection moving again {resumed.TotalSeconds:0.0} s after the database came back.");
        resumed.ShouldBeLessThan(TimeSpan.FromSeconds(5));

        var all = attempts.ToArray();
        var unavailable = all.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).ToArray();
        unavailable.ShouldNotBeEmpty("the load should have met the outage");
        all.Where(a => (int)a.Status >= 500 && a.Status != HttpStatusCode.ServiceUnavailable)
            .ShouldBeEmpty(string.Join(", ", all.Select(a => (int)a.Status).Distinct()));
        unavailable.ShouldAllBe(a => a.RetryAfter == "5" && a.ContentType == "application/problem+json");

        // Every acknowledged intake is stored; sending the others again with their keys makes no duplicate.
        var acknowledged = all.Where(a => a.Status == HttpStatusCode.Created).ToArray();
        foreach (var failed in unavailable)
        {
            var retried = await SendAsync(client, failed.Key);
            retried.Status.ShouldBeOneOf(HttpStatusCode.Created, HttpStatusCode.OK);
        }
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        var stored = await ReferralIdsAsync(connection);
        acknowledged.Select(a => a.ReferralId!.Value).ShouldAllBe(id => stored.Contains(id));
        stored.Count.ShouldBe(all.Select(a => a.Key).Distinct().Count() + 1, "one referral per key (and the recovery probe's), none twice");
    }

    private static async Task<HashSet<Guid>> ReferralIdsAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("select distinct stream_id from matching.mt_events where type like 'intake_submitted%'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new HashSet<Guid>();
        while (await reader.ReadAsync()) ids.Add(reader.GetGuid(0));
        return ids;
    }

    private static async Task<Attempt> SendAsync(HttpClient client, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/intake") { Content = JsonContent.Create(Samples.Intake(), options: Http.Json) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await client.SendAsync(request);
        Guid? id = null;
        if (response.IsSuccessStatusCode)
            id = (await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["referralId"]!.GetValue<Guid>();
        return new Attempt(key, response.StatusCode, id, response.Headers.RetryAfter?.ToString(),
            response.Content.Headers.ContentType?.MediaType);
    }
}
