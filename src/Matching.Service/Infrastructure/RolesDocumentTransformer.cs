using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Matching.Service.Infrastructure;

/// <summary>Writes each operation's required roles into the OpenAPI document.</summary>
public sealed class RolesDocumentTransformer(Microsoft.AspNetCore.Routing.EndpointDataSource endpoints) : IOpenApiDocumentTransformer
{
    private static readonly Dictionary<string, string> RolesByPolicy = new()
    {
        [Policies.Coordination] = "coordinator, admin",
        [Policies.Clinicians] = "clinician (own proposals only)",
        [Policies.Erasure] = "compliance, admin",
        [Policies.DirectoryAdmin] = "admin",
        [Policies.DirectoryRead] = "coordinator, admin",
        [Policies.Audit] = "compliance",
        [Policies.Reports] = "analyst, admin, compliance"
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken token)
    {
        foreach (var endpoint in endpoints.Endpoints.OfType<RouteEndpoint>())
        {
            var route = "/" + endpoint.RoutePattern.RawText?.TrimStart('/');
            if (document.Paths is null || !document.Paths.TryGetValue(route, out var path) || path.Operations is null) continue;
            var method = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods.FirstOrDefault();
            if (method is null) continue;
            var operation = path.Operations.FirstOrDefault(o => o.Key.ToString().Equals(method, StringComparison.OrdinalIgnoreCase)).Value;
            if (operation is null) continue;

            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>().ToArray();
            var roles = anonymous ? "anonymous" : policies.Length == 0 ? "any signed-in user"
                : string.Join("; ", policies.Select(p => RolesByPolicy.GetValueOrDefault(p, p)));
            operation.Description = $"{operation.Description}\n\nRoles: {roles}.".Trim();
        }
        return Task.CompletedTask;
    }
}
