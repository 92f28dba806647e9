using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Matching.Service.Infrastructure;

/// <summary>
/// Readiness waits for this: once the node listens, it sends itself the requests a load balancer's first clients
/// would (a refused intake, an unauthenticated queue read, the readiness probe), so compiling the endpoints,
/// serializers, validators and the database's first round trips happens before traffic arrives rather than in it.
/// None of them changes anything. A worker serves no requests and is ready at once.
/// </summary>
public sealed class WarmUp(IServer server, IHostApplicationLifetime lifetime, IConfiguration configuration, ILogger<WarmUp> logger)
    : BackgroundService, IHealthCheck
{
    private volatile bool _done;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_done ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("Warming up."));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var address = NodeRoles.Of(configuration).ServesRequests() ? await ListeningAddressAsync(stoppingToken) : null;
        if (address is not null)
        {
            var started = TimeProvider.System.GetTimestamp();
            try
            {
                using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
                // An empty intake is refused (400) after binding and validation: nothing is stored.
                using (var intake = new StringContent("{}", Encoding.UTF8, "application/json"))
                    (await client.PostAsync("/api/intake", intake, stoppingToken)).Dispose();
                using (var queue = new HttpRequestMessage(HttpMethod.Get, "/api/referrals"))
                {
                    queue.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "warm-up");
                    (await client.SendAsync(queue, stoppingToken)).Dispose();
                }
                (await client.GetAsync("/health/live", stoppingToken)).Dispose();
                logger.LogInformation("Warmed up in {Milliseconds:0} ms", TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                // Readiness must not hang on a warm-up that can't reach itself (an unusual binding): serve cold instead.
                logger.LogWarning("Warm-up could not reach the node itself ({Error}); serving without it", e.Message);
            }
        }
        _done = true;
    }

    /// <summary>Where this node listens, once it does; null for an in-memory server (tests) that has no address.</summary>
    private async Task<Uri?> ListeningAddressAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
            await started.Task;
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var first = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault();
        if (first is null) return null;
        // A wildcard binding (http://+:8080, http://[::]:8080) is reached on loopback.
        var uri = new Uri(first.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1").Replace("://[::]", "://127.0.0.1")
            .Replace("://0.0.0.0", "://127.0.0.1"));
        return uri;
    }
}
