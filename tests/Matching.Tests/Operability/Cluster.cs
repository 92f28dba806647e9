using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Matching.LoadBench;
using Matching.Service.Infrastructure;
using Matching.Tests.CodeGeneration;
using Matching.Tests.Support;

namespace Matching.Tests.Operability;

/// <summary>
/// Nodes of the service as operators run them: `dotnet Matching.Service.dll` processes in Production on loopback, one
/// database, an identity provider in this process. Killing a node is kill -9.
/// </summary>
public sealed class Cluster : IAsyncDisposable
{
    private readonly List<ServiceProcess> _nodes = [];

    private Cluster(BenchIdentity identity, string connectionString)
    {
        Identity = identity;
        ConnectionString = connectionString;
    }

    public BenchIdentity Identity { get; }
    public string ConnectionString { get; }
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Everything the nodes said, each line tagged with the node (shown when a test fails).</summary>
    public ConcurrentQueue<string> Log { get; } = new();

    public static async Task<Cluster> StartAsync(string name) =>
        new(await BenchIdentity.StartAsync(), await TestDatabase.CreateDatabaseAsync(name));

    /// <summary>Starts a node and waits until it is ready. The first node applies the schema.</summary>
    public async Task<ServiceProcess> StartNodeAsync(string name, NodeRole role, IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>(settings ?? new Dictionary<string, string>())
        {
            ["Matching__NodeRole"] = role.ToString().ToLowerInvariant(),
            ["Logging__LogLevel__Default"] = "Warning"
        };
        var node = ServiceProcess.Start(ServiceProcess.ServiceDll(GeneratedCodeTests.RepositoryRoot()), ConnectionString, Identity,
            applySchema: _nodes.Count == 0, environment, line => Log.Enqueue($"[{name}] {line}"));
        _nodes.Add(node);
        await node.WaitUntilReadyAsync(Http, TimeSpan.FromSeconds(60));
        return node;
    }

    /// <summary>The agents a node runs now, from its `/health/agents`.</summary>
    public async Task<string[]> AgentsAsync(ServiceProcess node)
    {
        var answer = await Http.GetFromJsonAsync<JsonObject>(new Uri(node.BaseAddress, "/health/agents"));
        return answer!["agents"]!.AsArray().Select(a => a!.GetValue<string>()).ToArray();
    }

    public async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(ServiceProcess node, HttpMethod method, string path, string? role = null,
        object? body = null, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(node.BaseAddress, path));
        if (role is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await Identity.TokenAsync(role));
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: Support.Http.Json);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    /// <summary>The report projection's `asOf` as the API answers it.</summary>
    public async Task<JsonNode> AsOfAsync(ServiceProcess api)
    {
        var (status, body) = await SendAsync(api, HttpMethod.Get, "/api/reports/funnel", Roles.Analyst);
        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        return body!["asOf"]!;
    }

    /// <summary>Waits until the reports reflect every event recorded so far; the time it took.</summary>
    public async Task<TimeSpan> CaughtUpAsync(ServiceProcess api, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var latest = (await AsOfAsync(api))["latestSequence"]!.GetValue<long>();
        while (true)
        {
            var asOf = await AsOfAsync(api);
            if (asOf["sequence"]!.GetValue<long>() >= latest) return clock.Elapsed;
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"Reports still at {asOf.ToJsonString()} after {timeout.TotalSeconds:0} s.{Environment.NewLine}{Tail()}");
            await Task.Delay(100);
        }
    }

    public string Tail(int lines = 60) => string.Join(Environment.NewLine, Log.TakeLast(lines));

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        Http.Dispose();
        await Identity.DisposeAsync();
    }
}
