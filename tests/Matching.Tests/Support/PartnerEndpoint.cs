using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Matching.Tests.Support;

/// <summary>One POST a partner's endpoint received: its path, headers and body, and what it answered.</summary>
public sealed record ReceivedNotification(string Path, IReadOnlyDictionary<string, string> Headers, string? ContentType, string Body, int Answered);

/// <summary>
/// A partner's rest-hook endpoint on a free loopback port (<c>POST /hooks/{name}</c>): records every notification and
/// answers 200, or 500 as many times as a hook is told to fail first. Each test uses hooks of its own.
/// </summary>
public sealed class PartnerEndpoint : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedNotification> _received = new();
    private readonly Dictionary<string, int> _failuresToGive = new();
    private WebApplication _app = null!;

    public string BaseUrl { get; private set; } = "";

    /// <summary>A hook's URL that nobody else uses.</summary>
    public string NewHook() => $"{BaseUrl}/hooks/{Guid.NewGuid():N}";

    /// <summary>The next <paramref name="count"/> notifications to <paramref name="hook"/> get a 500.</summary>
    public void FailNext(string hook, int count)
    {
        lock (_failuresToGive) _failuresToGive[new Uri(hook).AbsolutePath] = count;
    }

    public IReadOnlyList<ReceivedNotification> To(string hook) =>
        _received.Where(r => r.Path == new Uri(hook).AbsolutePath).ToList();

    public static async Task<PartnerEndpoint> StartAsync()
    {
        var endpoint = new PartnerEndpoint();
        (endpoint._app, endpoint.BaseUrl) = await LoopbackApp.StartAsync(app => app.MapPost("/hooks/{name}", endpoint.ReceiveAsync));
        return endpoint;
    }

    /// <summary>Waits (bounded) until <paramref name="hook"/> has received <paramref name="count"/> notifications.</summary>
    public async Task<IReadOnlyList<ReceivedNotification>> WaitForAsync(string hook, int count = 1, TimeSpan? timeout = null)
    {
        // Generous: on a loaded machine the async daemon that queues notifications can take a while to start.
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var found = To(hook);
            if (found.Count >= count) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{found.Count} of {count} notifications arrived.");
            await Task.Delay(50);
        }
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        var path = request.Path.Value!;
        var fail = false;
        lock (_failuresToGive)
            if (_failuresToGive.TryGetValue(path, out var left) && left > 0)
            {
                _failuresToGive[path] = left - 1;
                fail = true;
            }
        var status = fail ? 500 : 200;
        _received.Enqueue(new ReceivedNotification(path, request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            request.ContentType, body, status));
        return Results.StatusCode(status);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
