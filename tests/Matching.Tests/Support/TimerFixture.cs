using System.Text.Json;
using Alba;
using JasperFx.Events;
using Marten;
using Matching.Service.Notifications;
using Matching.Tests.Notifications;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.Tracking;
using Wolverine.Util;

namespace Matching.Tests.Support;

/// <summary>A movable clock and a notification sender that records instead of sending.</summary>
public class TimerFixture : LifecycleFixture
{
    public RecordingNotificationSender Notifications { get; } = new();

    protected override void ConfigureServices(IServiceCollection services)
    {
        base.ConfigureServices(services);
        services.AddSingleton<INotificationSender>(Notifications);
    }
}

public static class Timers
{
    /// <summary>Handles a timer message now, as Wolverine would when it falls due, and waits for what it cascades.</summary>
    public static Task Fire(this IAlbaHost host, object message) => host.InvokeMessageAndWaitAsync(message);

    /// <summary>Messages of type <typeparamref name="T"/> waiting in the durable inbox (scheduled or not yet handled).</summary>
    public static async Task<IReadOnlyList<T>> Stored<T>(this IAlbaHost host)
    {
        var envelopes = await host.GetRuntime().Storage.Admin.AllIncomingAsync();
        var options = new JsonSerializerOptions { PropertyNameCaseInsensitive = true };
        return envelopes
            .Where(e => e.MessageType is { } type && (type == typeof(T).FullName || type.EndsWith("." + typeof(T).Name) || type == typeof(T).ToMessageTypeName()))
            .Select(e => JsonSerializer.Deserialize<T>(e.Data!, options)!)
            .ToList();
    }

    public static async Task<IReadOnlyList<IEvent>> EventsOf(this IDocumentStore store, Guid referralId)
    {
        await using var session = store.QuerySession();
        return await session.Events.FetchStreamAsync(referralId);
    }

    /// <summary>Polls the event store (bounded) until <paramref name="done"/> holds for the stream.</summary>
    public static async Task<IReadOnlyList<IEvent>> WaitForEvents(
        this IDocumentStore store, Guid referralId, Func<IReadOnlyList<IEvent>, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var events = await store.EventsOf(referralId);
            if (done(events) || DateTime.UtcNow > deadline) return events;
            await Task.Delay(200);
        }
    }
}
