using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Matching.LoadBench;
using Matching.Service.Infrastructure;
using Matching.Tests.CodeGeneration;
using Matching.Tests.Support;
using Npgsql;
using Xunit.Abstractions;

namespace Matching.Tests.Operability;

/// <summary>API and worker nodes as separate processes: failover, timers across kills, an API node killed under load.</summary>
[Collection(RunAlone.Name)]
public class NodeFailoverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Takeover = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task the_projections_move_to_the_other_worker_within_15_s_and_a_proposal_expires_once_across_worker_kills()
    {
        await using var cluster = await StartClusterAsync("_failover");
        var api = await cluster.StartNodeAsync("api", NodeRole.Api, new Dictionary<string, string> { ["Matching__ProposalResponseWindow"] = "00:00:12" });
        var workers = new[] { await cluster.StartNodeAsync("worker-1", NodeRole.Worker), await cluster.StartNodeAsync("worker-2", NodeRole.Worker) };

        (await cluster.SendAsync(api, HttpMethod.Post, "/api/intake", body: Samples.Intake())).Status.ShouldBe(HttpStatusCode.Created);
        await cluster.CaughtUpAsync(api, TimeSpan.FromSeconds(30));
        (await cluster.AgentsAsync(api)).ShouldBeEmpty("an api node runs no agents");

        // Each projection runs on exactly one worker.
        var held = new List<(int Worker, string Agent)>();
        for (var i = 0; i < workers.Length; i++) held.AddRange((await cluster.AgentsAsync(workers[i])).Select(a => (i, a)));
        output.WriteLine("Agents: " + string.Join(", ", held.Select(h => $"worker-{h.Worker + 1}: {h.Agent}")));
        var projections = held.Where(h => Cluster.IsReportProjection(h.Agent)).ToArray();
        projections.Length.ShouldBe(1, string.Join(", ", held));
        held.GroupBy(h => h.Agent).ShouldAllBe(g => g.Count() == 1);

        // A proposal whose response window ends while the workers are killed and restarted.
        var referral = await ProposedReferralAsync(cluster, api);

        var holder = projections[0].Worker;
        var killedAt = Stopwatch.StartNew();
        await workers[holder].KillAsync();
        var takeover = await cluster.ReportsMovingAgainAsync(api, killedAt, Takeover);
        output.WriteLine($"Reports moving again {takeover.TotalSeconds:0.0} s after kill -9 of the worker holding the projections.");
        takeover.ShouldBeLessThan(Takeover);

        // The survivor dies too, and the first worker comes back: the expiry still fires, once.
        workers[holder] = await cluster.StartNodeAsync($"worker-{holder + 1}-again", NodeRole.Worker);
        await workers[1 - holder].KillAsync();
        var expired = await EventuallyAsync(async () => (await TypesAsync(cluster, api, referral)).Count(t => t == "ProposalExpired") >= 1,
            TimeSpan.FromSeconds(40));
        expired.ShouldBeTrue($"the proposal never expired{Environment.NewLine}{cluster.Tail()}");
        await Task.Delay(TimeSpan.FromSeconds(3));
        (await TypesAsync(cluster, api, referral)).Count(t => t == "ProposalExpired").ShouldBe(1);
    }

    [Fact]
    public async Task an_api_node_killed_under_intake_load_loses_no_acknowledged_intake_and_resending_makes_no_duplicate()
    {
        await using var cluster = await StartClusterAsync("_api_kill");
        var api = await cluster.StartNodeAsync("api-1", NodeRole.Api);
        await cluster.StartNodeAsync("worker", NodeRole.Worker);

        var acknowledged = new ConcurrentDictionary<string, Guid>();
        var unanswered = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        async Task LoadAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                var key = Guid.NewGuid().ToString();
                try
                {
                    var (status, body) = await cluster.SendAsync(api, HttpMethod.Post, "/api/intake", body: Samples.Intake(), idempotencyKey: key);
                    if (status == HttpStatusCode.Created) acknowledged[key] = body!["referralId"]!.GetValue<Guid>();
                    else unanswered.Add(key);
                }
                catch (HttpRequestException)
                {
                    // Cut off by the kill, or refused once the node is gone: the client doesn't know whether it committed.
                    unanswered.Add(key);
                    await Task.Delay(50);
                }
            }
        }

        var load = Enumerable.Range(0, 6).Select(_ => Task.Run(LoadAsync)).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await api.KillAsync();
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        stop.Cancel();
        await Task.WhenAll(load);
        output.WriteLine($"{acknowledged.Count} intakes acknowledged, {unanswered.Count} cut off or refused.");
        acknowledged.ShouldNotBeEmpty();
        unanswered.ShouldNotBeEmpty();

        // The client retries what it never heard back about, with the same keys, on a new API node.
        var replacement = await cluster.StartNodeAsync("api-2", NodeRole.Api);
        foreach (var key in unanswered)
        {
            var (status, body) = await cluster.SendAsync(replacement, HttpMethod.Post, "/api/intake", body: Samples.Intake(), idempotencyKey: key);
            status.ShouldBeOneOf(HttpStatusCode.Created, HttpStatusCode.OK);
        }

        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select distinct stream_id from matching.mt_events where type like 'intake_submitted%'", connection);
        var stored = new HashSet<Guid>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) stored.Add(reader.GetGuid(0));
        acknowledged.Values.ShouldAllBe(id => stored.Contains(id));
        stored.Count.ShouldBe(acknowledged.Count + unanswered.Count, "one referral per key, none twice");
    }

    [Fact]
    public async Task without_a_worker_commands_go_on_and_reports_say_how_far_behind_and_a_worker_catches_up_also_after_kill_9()
    {
        await using var cluster = await StartClusterAsync("_no_worker");
        var api = await cluster.StartNodeAsync("api", NodeRole.Api);

        for (var i = 0; i < 3; i++)
            (await cluster.SendAsync(api, HttpMethod.Post, "/api/intake", body: Samples.Intake())).Status.ShouldBe(HttpStatusCode.Created);
        var stale = await cluster.AsOfAsync(api);
        stale["behind"]!.GetValue<long>().ShouldBeGreaterThan(0, stale.ToJsonString());

        var worker = await cluster.StartNodeAsync("worker", NodeRole.Worker);
        var caughtUp = await cluster.CaughtUpAsync(api, Takeover);
        output.WriteLine($"A worker started later caught up in {caughtUp.TotalSeconds:0.0} s after it was ready.");
        (await cluster.AsOfAsync(api))["behind"]!.GetValue<long>().ShouldBe(0);

        // kill -9 and an immediate restart: the new process must not wait for its dead predecessor to go stale.
        var killedAt = Stopwatch.StartNew();
        await worker.KillAsync();
        await cluster.StartNodeAsync("worker-again", NodeRole.Worker);
        output.WriteLine($"The new worker was ready {killedAt.Elapsed.TotalSeconds:0.0} s after the kill.");
        var moving = await cluster.ReportsMovingAgainAsync(api, killedAt, Takeover);
        output.WriteLine($"Reports moving again {moving.TotalSeconds:0.0} s after kill -9 and restart of the only worker.");
        moving.ShouldBeLessThan(Takeover);
    }

    private static async Task<Cluster> StartClusterAsync(string name) =>
        await Cluster.StartAsync(await TestDatabase.CreateDatabaseAsync(nameof(NodeFailoverTests) + name),
            ServiceProcess.ServiceDll(GeneratedCodeTests.RepositoryRoot()));

    private static async Task<Guid> ProposedReferralAsync(Cluster cluster, ServiceProcess api)
    {
        var (onboarded, clinician) = await cluster.SendAsync(api, HttpMethod.Post, "/api/clinicians", Roles.Admin, Samples.Clinician());
        onboarded.ShouldBe(HttpStatusCode.Created, clinician?.ToJsonString());
        var (_, intake) = await cluster.SendAsync(api, HttpMethod.Post, "/api/intake", body: Samples.Intake());
        var id = intake!["referralId"]!.GetValue<Guid>();
        (await cluster.SendAsync(api, HttpMethod.Post, $"/api/referrals/{id}/triage", Roles.Coordinator, new { priority = "routine" }))
            .Status.ShouldBe(HttpStatusCode.OK);
        var (proposed, proposal) = await cluster.SendAsync(api, HttpMethod.Post, $"/api/referrals/{id}/proposals", Roles.Coordinator,
            new { clinicianId = clinician!["clinicianId"]!.GetValue<Guid>(), overrideReason = "Failover drill" });
        proposed.ShouldBe(HttpStatusCode.Created, proposal?.ToJsonString());
        return id;
    }

    private static async Task<string[]> TypesAsync(Cluster cluster, ServiceProcess api, Guid referral)
    {
        var (status, timeline) = await cluster.SendAsync(api, HttpMethod.Get, $"/api/referrals/{referral}/timeline", Roles.Coordinator);
        status.ShouldBe(HttpStatusCode.OK);
        return timeline!["items"]!.AsArray().Select(i => i!["type"]!.GetValue<string>()).ToArray();
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await condition()) return true;
            await Task.Delay(250);
        }
        return false;
    }
}
