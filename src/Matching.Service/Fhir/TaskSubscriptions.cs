using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Hl7.Fhir.Model;
using Marten;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Matching.Service.Fhir;

/// <summary>
/// A partner's R4 Subscription to its Tasks (rest-hook): where to POST when one of its referrals changes status, and what
/// with. Kept as a document of its own; the headers it wants back (an Authorization, say) are sealed with the key ring
/// and never shown or logged (docs/adr/0037-fhir-task-subscriptions.md).
/// </summary>
public sealed record TaskSubscription
{
    public const string Active = "active";
    public const string Error = "error";

    public Guid Id { get; init; }
    public string Organization { get; init; } = "";
    public string Criteria { get; init; } = "Task";
    /// <summary>The referrals <c>based-on</c> names (any of them); null for every Task of the organization.</summary>
    public IReadOnlyList<Guid>? BasedOn { get; init; }
    public string Endpoint { get; init; } = "";
    /// <summary><c>application/fhir+json</c> to POST the Task; null for an empty notification.</summary>
    public string? Payload { get; init; }
    /// <summary>The channel's headers, sealed (<see cref="SubscriptionHeaderSealer"/>); null when none.</summary>
    public string? SealedHeaders { get; init; }
    public string? Reason { get; init; }
    public DateTimeOffset? End { get; init; }
    public string Status { get; init; } = Active;
    /// <summary>Why delivery stopped (R4's Subscription.error), while <see cref="Status"/> is <see cref="Error"/>.</summary>
    public string? LastError { get; init; }
    /// <summary>Raised by each update: a notification queued for an earlier revision is dropped rather than sent to a changed endpoint.</summary>
    public int Revision { get; init; }
    public DateTimeOffset Created { get; init; }

    public bool Matches(Guid referralId) => BasedOn is null || BasedOn.Contains(referralId);

    public static void Configure(StoreOptions opts) =>
        // Each status change finds the active subscriptions of the referral's organization.
        opts.Schema.For<TaskSubscription>().Index(s => s.Organization);
}

/// <summary>The channel's headers, sealed with the key ring as a client link's token is (ClientLinkSealer).</summary>
public sealed class SubscriptionHeaderSealer(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Matching.Fhir.SubscriptionHeaders.v1");

    public string? Seal(IReadOnlyList<string> headers) =>
        headers.Count == 0 ? null : _protector.Protect(JsonSerializer.Serialize(headers));

    /// <summary>Empty when there are none; null when they can't be read (a key ring replaced since).</summary>
    public IReadOnlyList<string>? Unseal(string? sealedHeaders)
    {
        if (sealedHeaders is null) return [];
        try { return JsonSerializer.Deserialize<string[]>(_protector.Unprotect(sealedHeaders)); }
        catch (CryptographicException) { return null; }
    }
}

/// <summary>Settings of the rest-hook channel (section <c>Fhir</c>).</summary>
public sealed class FhirSubscriptionOptions
{
    public const string Section = "Fhir";

    /// <summary>
    /// Lets an endpoint be http on a loopback address and lets delivery reach loopback and private addresses: tests and
    /// development only. Off, an endpoint is https and only public addresses are connected to.
    /// </summary>
    public bool AllowInsecureSubscriptionEndpoints { get; set; }

    /// <summary>How long a partner's endpoint has to answer one notification.</summary>
    public TimeSpan SubscriptionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The waits before each retry of a failed notification, comma-separated; after the last, the subscription is in error.</summary>
    public string SubscriptionRetryDelays { get; set; } = "00:00:05,00:00:30,00:02:00,00:10:00,01:00:00";

    public IReadOnlyList<TimeSpan> RetryDelays() =>
        SubscriptionRetryDelays.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => TimeSpan.Parse(d, System.Globalization.CultureInfo.InvariantCulture)).ToList();
}

/// <summary>Reads a posted Subscription into a <see cref="TaskSubscription"/>, or the element it refuses and why.</summary>
public static class TaskSubscriptionRequest
{
    public const int MaxHeaders = 10;
    public const int MaxHeaderLength = 4096;

    public sealed record Refusal(string Element, string Problem);

    public static TaskSubscription? Read(Subscription resource, string organization, bool allowInsecure, SubscriptionHeaderSealer sealer,
        out Refusal? refusal)
    {
        refusal = null;
        var criteria = resource.Criteria?.Trim() ?? "";
        IReadOnlyList<Guid>? basedOn = null;
        if (criteria is not ("Task" or "Task?"))
        {
            var query = criteria.StartsWith("Task?", StringComparison.Ordinal) ? QueryHelpers.ParseQuery(criteria[4..]) : null;
            // The Task search's own reading of based-on; its other parameters (_lastUpdated, _count) mean nothing to a push.
            if (query is null || query.Count == 0 || query.Keys.Any(k => k != TaskSearch.BasedOnParameter)
                || TaskSearch.Parse(new QueryCollection(query), out _) is not { } search)
            {
                refusal = new Refusal("Subscription.criteria",
                    $"criteria \"{criteria}\" is not supported: give Task, or Task?based-on=ServiceRequest/{{id}} (several separated by commas).");
                return null;
            }
            // Not an id of ours matches nothing, as in a search.
            basedOn = search.BasedOn.SelectMany(anyOf => anyOf).Select(id => Guid.TryParse(id, out var g) ? g : Guid.Empty).Distinct().ToList();
        }

        if (resource.Channel is not { Type: Subscription.SubscriptionChannelType.RestHook } channel)
        {
            refusal = new Refusal("Subscription.channel.type", "Only the rest-hook channel is supported.");
            return null;
        }

        if (EndpointProblem(channel.Endpoint, allowInsecure) is { } problem)
        {
            refusal = new Refusal("Subscription.channel.endpoint", problem);
            return null;
        }

        var payload = channel.Payload?.Trim();
        if (payload is { Length: 0 }) payload = null;
        if (payload is not null && !payload.Split(';')[0].Trim().Equals(FhirEndpoints.ContentType, StringComparison.OrdinalIgnoreCase))
        {
            refusal = new Refusal("Subscription.channel.payload",
                $"payload {payload} is not supported: leave it out for an empty notification, or give {FhirEndpoints.ContentType} for the Task.");
            return null;
        }

        var headers = channel.Header.Select(h => h ?? "").ToList();
        if (headers.Count > MaxHeaders)
        {
            refusal = new Refusal("Subscription.channel.header", $"At most {MaxHeaders} headers.");
            return null;
        }
        for (var i = 0; i < headers.Count; i++)
            if (!IsHeader(headers[i]))
            {
                // The value is never quoted back: it is likely a secret.
                refusal = new Refusal($"Subscription.channel.header[{i}]",
                    $"A header is \"Name: value\", a token name other than Host, Content-Type or Content-Length, at most {MaxHeaderLength} characters.");
                return null;
            }

        var end = resource.EndElement?.Value;

        refusal = null;
        return new TaskSubscription
        {
            Organization = organization,
            Criteria = criteria,
            BasedOn = basedOn,
            Endpoint = channel.Endpoint!,
            Payload = payload is null ? null : FhirEndpoints.ContentType,
            SealedHeaders = sealer.Seal(headers),
            Reason = resource.Reason,
            End = end
        };
    }

    /// <summary>
    /// Only https, so what is sent (and the headers) can't be read on the way; http only to this host's loopback, when
    /// development allows it. Where the name leads is checked again when connecting (<see cref="TaskNotifier"/>).
    /// </summary>
    public static string? EndpointProblem(string? endpoint, bool allowInsecure)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            return "The endpoint is an absolute https URL.";
        if (uri.UserInfo.Length > 0) return "The endpoint carries no user name or password: send credentials in a header.";
        if (uri.Scheme == Uri.UriSchemeHttps) return null;
        if (uri.Scheme == Uri.UriSchemeHttp && allowInsecure && uri.IsLoopback) return null;
        return $"The endpoint's scheme {uri.Scheme} is not allowed: give an https URL.";
    }

    private static bool IsHeader(string header)
    {
        if (header.Length > MaxHeaderLength || header.IndexOf(':') is var colon && colon <= 0) return false;
        var name = header[..colon].Trim();
        var value = header[(colon + 1)..].Trim();
        if (name.Any(c => c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".Contains(c)) || value.Any(c => c < ' ' && c != '\t' || c == 127)) return false;
        return !new[] { "Host", "Content-Type", "Content-Length", "Transfer-Encoding", "Connection" }.Contains(name, StringComparer.OrdinalIgnoreCase);
    }

    public static (string Name, string Value) Split(string header)
    {
        var colon = header.IndexOf(':');
        return (header[..colon].Trim(), header[(colon + 1)..].Trim());
    }

    /// <summary>The subscription as the partner reads it back: everything but its headers' values, which are never shown.</summary>
    public static Subscription ResourceOf(TaskSubscription subscription)
    {
        var resource = new Subscription
        {
            Id = subscription.Id.ToString(),
            Status = subscription.Status == TaskSubscription.Error ? Subscription.SubscriptionStatus.Error : Subscription.SubscriptionStatus.Active,
            Reason = subscription.Reason,
            Criteria = subscription.Criteria,
            Error = subscription.Status == TaskSubscription.Error ? subscription.LastError : null,
            Channel = new Subscription.ChannelComponent
            {
                Type = Subscription.SubscriptionChannelType.RestHook,
                Endpoint = subscription.Endpoint,
                Payload = subscription.Payload
            }
        };
        if (subscription.End is { } end) resource.EndElement = new Instant(end);
        return resource;
    }
}
