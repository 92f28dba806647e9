using System.Net;
using System.Net.Sockets;
using Hl7.Fhir.Serialization;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Patching;
using Matching.Service.Referrals;
using Wolverine;
using Wolverine.Marten.Subscriptions;

namespace Matching.Service.Fhir;

/// <summary>
/// One notification owed to one subscription for one referral's Task. Ids only: the Task is computed from the referral when
/// sent, so a retry sends where it stands then. <see cref="Revision"/> is the subscription's when queued.
/// </summary>
public sealed record NotifyTaskSubscriber(Guid SubscriptionId, int Revision, Guid ReferralId, int Attempt = 0);

/// <summary>
/// The trigger: a Marten event subscription, run by the async daemon on the worker nodes, reading each page of events
/// in order. A status change of a partner's referral (the events that move <see cref="Referral.StatusSince"/>, but the
/// intake that made it) queues a <see cref="NotifyTaskSubscriber"/> per matching active subscription. The messages are
/// written to the durable inbox in the same transaction as the subscription's progress: none is lost, none is queued
/// twice for one page.
/// </summary>
public sealed class TaskChanges : BatchSubscription
{
    public const string Name = "FhirTaskSubscriptions";

    /// <summary>
    /// How far before a subscription's creation a change still counts as after it: its time is the node's clock, an
    /// event's the database's.
    /// </summary>
    public static readonly TimeSpan ClockMargin = TimeSpan.FromMinutes(1);

    // It reads from the first event, not from where the daemon happened to start: a change made between a subscription's
    // creation and the daemon's first start would otherwise never be told. Older changes are skipped by time, and a page
    // costs one indexed query when no subscription is active.
    public TaskChanges() : base(Name)
    {
    }

    public override async Task ProcessEventsAsync(EventRange page, ISubscriptionController controller, IDocumentOperations operations,
        IMessageBus bus, CancellationToken cancellationToken)
    {
        var changed = page.Events
            .Where(e => e.Data is not IntakeSubmitted && Referral.StatusAfter(e.Data) is not null)
            .GroupBy(e => e.StreamId)
            .ToDictionary(g => g.Key, g => g.Max(e => e.Timestamp));
        if (changed.Count == 0) return;

        var subscriptions = await operations.Query<TaskSubscription>()
            .Where(s => s.Status == TaskSubscription.Active)
            .ToListAsync(cancellationToken);
        if (subscriptions.Count == 0) return;

        var referrals = (await operations.LoadManyAsync<Referral>(cancellationToken, changed.Keys.ToArray())).Where(r => r.Partner is not null);
        foreach (var referral in referrals)
        foreach (var subscription in subscriptions.Where(s => s.Organization == referral.Partner!.Organization && s.Matches(referral.Id)
                                                             && changed[referral.Id] >= s.Created - ClockMargin))
            await bus.PublishAsync(new NotifyTaskSubscriber(subscription.Id, subscription.Revision, referral.Id));
    }
}

/// <summary>
/// Sends one notification: a handler of the durable local queue, on whichever node runs it. A failure (an error status,
/// no answer in time, no connection) is tried again after the next of <see cref="FhirSubscriptionOptions.RetryDelays"/>,
/// scheduled durably; after the last, the subscription is put in error and nothing more is sent until the partner updates it.
/// </summary>
public static class NotifyTaskSubscriberHandler
{
    public static async Task<OutgoingMessages> Handle(NotifyTaskSubscriber message, IDocumentSession session, TaskNotifier notifier,
        FhirSubscriptionOptions options, ILogger<TaskNotifier> logger, TimeProvider time, CancellationToken ct)
    {
        var outgoing = new OutgoingMessages();
        // Deleted, in error, or updated since it was queued: the partner no longer wants this one.
        if (await session.LoadAsync<TaskSubscription>(message.SubscriptionId, ct) is not { Status: TaskSubscription.Active } subscription
            || subscription.Revision != message.Revision || subscription.End <= time.GetUtcNow())
            return outgoing;
        if (await session.LoadAsync<Referral>(message.ReferralId, ct) is not { Partner: { } partner } referral
            || partner.Organization != subscription.Organization)
            return outgoing;

        if (await notifier.SendAsync(subscription, referral, ct) is not { } failure) return outgoing;

        var delays = options.RetryDelays();
        if (message.Attempt < delays.Count)
        {
            logger.LogWarning("FHIR subscription {SubscriptionId}: notification for Task {ReferralId} failed ({Failure}); retrying in {Delay}",
                subscription.Id, referral.Id, failure, delays[message.Attempt]);
            outgoing.Add((message with { Attempt = message.Attempt + 1 }).DelayedFor(delays[message.Attempt]));
            return outgoing;
        }

        logger.LogWarning("FHIR subscription {SubscriptionId}: notification for Task {ReferralId} failed {Attempts} times ({Failure}); the subscription is in error",
            subscription.Id, referral.Id, message.Attempt + 1, failure);
        // A patch, not a store: a subscription deleted or updated meanwhile is neither brought back nor put in error.
        var (id, revision) = (subscription.Id, subscription.Revision);
        session.Patch<TaskSubscription>(s => s.Id == id && s.Revision == revision)
            .Set(s => s.Status, TaskSubscription.Error)
            .Set(s => s.LastError, $"{failure} ({message.Attempt + 1} attempts, the last at {time.GetUtcNow():u}).");
        return outgoing;
    }
}

/// <summary>The POST of one notification to a partner's endpoint, through IHttpClientFactory's client <see cref="ClientName"/>.</summary>
public sealed class TaskNotifier(IHttpClientFactory clients, SubscriptionHeaderSealer sealer, FhirSubscriptionOptions options)
{
    public const string ClientName = "fhir-subscriptions";

    private static readonly IFhirSerializationEngine Engine = FhirSerializationEngineFactory.Strict(Hl7.Fhir.Model.ModelInfo.ModelInspector);

    /// <summary>Null when the endpoint took it (any 2xx); otherwise why not, without anything the partner sent.</summary>
    public async Task<string?> SendAsync(TaskSubscription subscription, Referral referral, CancellationToken ct)
    {
        if (sealer.Unseal(subscription.SealedHeaders) is not { } headers) return "Its headers can no longer be read: update the subscription";
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Endpoint);
        foreach (var header in headers)
        {
            var (name, value) = TaskSubscriptionRequest.Split(header);
            request.Headers.TryAddWithoutValidation(name, value);
        }
        if (subscription.Payload is not null)
            request.Content = new StringContent(Engine.SerializeToJson(FhirResources.TaskOf(referral)), System.Text.Encoding.UTF8, FhirEndpoints.ContentType);

        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            return response.IsSuccessStatusCode ? null : $"The endpoint answered {(int)response.StatusCode}";
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"The endpoint did not answer within {options.SubscriptionTimeout.TotalSeconds:0.#} s";
        }
        catch (HttpRequestException e)
        {
            return $"The endpoint could not be reached ({e.HttpRequestError})";
        }
    }

    /// <summary>
    /// The client: a short timeout, no redirects (a 3xx is a failure, so a notification never follows to another host),
    /// no cookies, and a connect step that refuses loopback, private and link-local addresses (cloud metadata included)
    /// unless development allows them, checked on the address actually connected to, after DNS.
    /// </summary>
    public static void AddClient(IServiceCollection services) =>
        services.AddHttpClient(ClientName, (sp, client) => client.Timeout = sp.GetRequiredService<FhirSubscriptionOptions>().SubscriptionTimeout)
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var allowInsecure = sp.GetRequiredService<FhirSubscriptionOptions>().AllowInsecureSubscriptionEndpoints;
                return new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    UseCookies = false,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                    ConnectCallback = async (context, token) =>
                    {
                        var addresses = (await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, token))
                            .Where(a => allowInsecure || IsPublic(a)).ToArray();
                        if (addresses.Length == 0) throw new HttpRequestException(HttpRequestError.ConnectionError, "The endpoint's host has no public address.");
                        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                        try
                        {
                            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, token);
                            return new NetworkStream(socket, ownsSocket: true);
                        }
                        catch
                        {
                            socket.Dispose();
                            throw;
                        }
                    }
                };
            })
            // Request lines and headers are never logged: the headers are the partner's secrets.
            .RemoveAllLoggers();

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)) return false;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (address.GetAddressBytes()[0] & 0xFE) == 0xFC);
        var b = address.GetAddressBytes();
        return !(b[0] == 10 || b[0] == 0 || b[0] >= 224
                 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                 || (b[0] == 192 && b[1] == 168)
                 || (b[0] == 169 && b[1] == 254)
                 || (b[0] == 100 && b[1] >= 64 && b[1] <= 127));
    }
}
