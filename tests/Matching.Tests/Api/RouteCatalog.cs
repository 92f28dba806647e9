using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Alba;

namespace Matching.Tests.Api;

/// <summary>Every API route the running service maps, with its method and authorization policy.</summary>
public sealed record ApiRoute(string Method, string Pattern, string? Policy, bool Anonymous)
{
    public string Url(Guid referralId, Guid otherId) => Pattern
        .Replace("{referralId}", referralId.ToString())
        .Replace("{clinicianId}", otherId.ToString())
        .Replace("{proposalId}", otherId.ToString())
        .Replace("{sub}", "someone");

    public override string ToString() => $"{Method} {Pattern}";

    public static IReadOnlyList<ApiRoute> All(IAlbaHost host) =>
        host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/") == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(method => new ApiRoute(
                method,
                "/" + e.RoutePattern.RawText!.TrimStart('/'),
                e.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).FirstOrDefault(p => p is not null),
                e.Metadata.GetMetadata<IAllowAnonymous>() is not null)))
            .Distinct()
            .OrderBy(r => r.Pattern).ThenBy(r => r.Method)
            .ToList();
}
