using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Matching.Service.Infrastructure;

namespace Matching.LoadBench;

/// <summary>
/// Nodes of the service as operators run them: `dotnet Matching.Service.dll` processes in Production on loopback, one
/// database, an identity provider in this process. Killing a node is kill -9. The benchmark and the process tests share it.
/// </summary>
public sealed class Cluster : IAsyncDisposable
{
    private readonly List<ServiceProcess> _nodes = [];
    private readonly string _serviceDll;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly Action<string>? _echo;
    private readonly bool _ownsIdentity;

    /// <param name="environment">Settings every node gets (a node's own settings win).</param>
    /// <param name="echo">Where to show the nodes' output as it comes (it is kept in <see cref="Log" /> either way).</param>
    public Cluster(BenchIdentity identity, string connectionString, string serviceDll,
        IReadOnlyDictionary<string, string>? environment = null, Action<string>? echo = null)
        : this(identity, connectionString, serviceDll, environment, echo, ownsIdentity: false)
    {
    }

    private Cluster(BenchIdentity identity, string connectionString, string serviceDll,
        IReadOnlyDictionary<string, string>? environment, Action<string>? echo, bool ownsIdentity)
    {
        Identity = identity;
        ConnectionString = connectionString;
        _serviceDll = serviceDll;
        _environment = environment ?? new Dictionary<string, string>();
        _echo = echo;
        _ownsIdentity = ownsIdentity;
    }

    public BenchIdentity Identity { get; }
    public string ConnectionString { get; }
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Everything the nodes said, each line tagged with the node (shown when a test fails).</summary>
    public ConcurrentQueue<string> Log { get; } = new();

    /// <summary>A cluster with an identity provider of its own, disposed with it.</summary>
    public static async Task<Cluster> StartAsync(string connectionString, string serviceDll) =>
        new(await BenchIdentity.StartAsync(), connectionString, serviceDll, null, null, ownsIdentity: true);

    /// <summary>Starts a node and waits until it is ready. The first node applies the schema.</summary>
    public async Task<ServiceProcess> StartNodeAsync(string name, NodeRole role, IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>(_environment)
        {
            ["Matching__NodeRole"] = role.ToString().ToLowerInvariant(),
            ["Logging__LogLevel__Default"] = "Warning"
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) environment[key] = value;
        var node = ServiceProcess.Start(_serviceDll, ConnectionString, Identity, applySchema: _nodes.Count == 0, environment, line =>
        {
            Log.Enqueue($"[{name}] {line}");
            _echo?.Invoke($"    [{name}] {line}");
        });
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

    /// <summary>
    /// Which of <paramref name="workers" /> runs the report projection, once the agents are shared out: exactly one
    /// of them runs it and every worker runs some agent (a worker that just joined has been given its share).
    /// </summary>
    public async Task<int> ReportsHolderAsync(IReadOnlyList<ServiceProcess> workers, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var agents = new List<string[]>();
            foreach (var worker in workers) agents.Add(await AgentsAsync(worker));
            var holders = Enumerable.Range(0, workers.Count).Where(i => agents[i].Any(IsReportProjection)).ToArray();
            if (holders.Length == 1 && agents.All(a => a.Length > 0)) return holders[0];
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"The agents were not shared out after {timeout.TotalSeconds:0} s: " +
                                           string.Join("; ", agents.Select((a, i) => $"worker {i + 1}: {string.Join(", ", a)}")));
            await Task.Delay(250);
        }
    }

    public static bool IsReportProjection(string agent) => agent.Contains("referralfacts", StringComparison.OrdinalIgnoreCase);

    public async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(ServiceProcess node, HttpMethod method, string path, string? role = null,
        object? body = null, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(node.BaseAddress, path));
        if (role is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await Identity.TokenAsync(role));
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: Json.Options);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    /// <summary>The report projection's `asOf` as the API answers it.</summary>
    public async Task<JsonNode> AsOfAsync(ServiceProcess api)
    {
        var (status, body) = await SendAsync(api, HttpMethod.Get, "/api/reports/funnel", Roles.Analyst);
        if (status != HttpStatusCode.OK) throw new HttpRequestException($"GET /api/reports/funnel answered {(int)status}: {body?.ToJsonString()}");
        return body!["asOf"]!;
    }

    /// <summary>Waits until the reports reflect every event recorded so far; the time it took.</summary>
    public async Task<TimeSpan> CaughtUpAsync(ServiceProcess api, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
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

    /// <summary>
    /// After a crash (timed by <paramref name="since" />): one intake through the API node, then the time from the
    /// crash until the reports reflect it, the measure of failover.
    /// </summary>
    public async Task<TimeSpan> ReportsMovingAgainAsync(ServiceProcess api, Stopwatch since, TimeSpan timeout)
    {
        var (status, body) = await SendAsync(api, HttpMethod.Post, "/api/intake", body: Payloads.Intake());
        if (status != HttpStatusCode.Created) throw new HttpRequestException($"POST /api/intake answered {(int)status}: {body?.ToJsonString()}");
        await CaughtUpAsync(api, timeout - since.Elapsed);
        return since.Elapsed;
    }

    public string Tail(int lines = 60) => string.Join(Environment.NewLine, Log.TakeLast(lines));

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        Http.Dispose();
        if (_ownsIdentity) await Identity.DisposeAsync();
    }
}
