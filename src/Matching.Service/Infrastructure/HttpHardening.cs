using IPNetwork = System.Net.IPNetwork;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Net.Http.Headers;
using NetEscapades.AspNetCore.SecurityHeaders;

namespace Matching.Service.Infrastructure;

/// <summary>
/// What the service does for the browser and the network in front of it: which proxies it believes about the
/// client's address and scheme, HTTPS, the security headers on every answer, and no caching of anything but
/// the static files (every other answer can hold personal data).
/// </summary>
public static class HttpHardening
{
    /// <summary>The API reference UI: its own scripts carry a per-request nonce, and it styles itself inline.</summary>
    public const string DocsPolicy = "docs";

    /// <summary>`Proxy:KnownNetworks`, comma-separated CIDRs; null when one doesn't parse.</summary>
    public static IReadOnlyList<IPNetwork>? KnownNetworks(IConfiguration configuration)
    {
        var networks = new List<IPNetwork>();
        foreach (var cidr in (configuration["Proxy:KnownNetworks"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IPNetwork.TryParse(cidr, out var network)) return null;
            networks.Add(network);
        }
        return networks;
    }

    public static void AddMatchingHttpHardening(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            // Only the configured proxies are believed, loopback included: a client can't choose its own rate-limit
            // bucket or claim https by sending the headers itself.
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
            foreach (var network in KnownNetworks(configuration) ?? []) o.KnownIPNetworks.Add(network);
        });
        builder.Services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            o.IncludeSubDomains = true;
        });
        builder.Services.AddHttpsRedirection(o => o.HttpsPort = configuration.GetValue<int?>("Https:Port") ?? 443);

        // Sign-in and sign-out forms end in a redirect to the identity provider, which form-action must allow.
        var authority = Uri.TryCreate(configuration["Auth:Authority"], UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : null;
        builder.Services.AddSecurityHeaderPolicies(policies => policies
            .SetDefaultPolicy(p => Common(p).AddContentSecurityPolicy(csp =>
            {
                Restrict(csp, authority);
                csp.AddScriptSrc().Self();
                csp.AddStyleSrc().Self();
            }))
            .AddPolicy(DocsPolicy, p => Common(p).AddContentSecurityPolicy(csp =>
            {
                Restrict(csp, authority);
                csp.AddScriptSrc().Self().WithNonce();
                // The reference UI injects its own style elements; scripts stay nonce-only.
                csp.AddStyleSrc().Self().UnsafeInline();
            })));
    }

    private static HeaderPolicyCollection Common(HeaderPolicyCollection p) => p
        .AddContentTypeOptionsNoSniff()
        .AddReferrerPolicyNoReferrer()
        .AddFrameOptionsDeny()
        .RemoveServerHeader();

    private static void Restrict(CspBuilder csp, string? authority)
    {
        csp.AddDefaultSrc().Self();
        csp.AddImgSrc().Self().Data();
        csp.AddFontSrc().Self();
        csp.AddConnectSrc().Self();
        csp.AddObjectSrc().None();
        csp.AddBaseUri().Self();
        csp.AddFrameAncestors().None();
        var formAction = csp.AddFormAction().Self();
        if (authority is not null) formAction.From(authority);
    }

    /// <summary>`Https:Redirect` in Production: HSTS, plain http redirected, cookies always Secure.</summary>
    public static bool EnforcesHttps(WebApplicationBuilder builder) =>
        builder.Environment.IsProduction() && builder.Configuration.GetValue<bool>("Https:Redirect");

    /// <summary>
    /// First in the pipeline: the client's address and scheme as the known proxies saw them, HTTPS where enforced, and
    /// the security headers on every answer.
    /// </summary>
    public static void UseMatchingHttpHardening(this WebApplication app)
    {
        app.UseForwardedHeaders();
        if (app.Environment.IsProduction() && app.Configuration.GetValue<bool>("Https:Redirect"))
        {
            app.UseHsts();
            // Health probes come from inside the network, straight to the container over http: answer them there.
            app.UseWhen(context => !context.Request.Path.StartsWithSegments("/health"), branch => branch.UseHttpsRedirection());
        }
        app.UseSecurityHeaders();
    }

    /// <summary>After the static files: every other answer may carry personal data, so no browser or proxy keeps it.</summary>
    public static void UseNoStore(this WebApplication app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            if (!headers.CacheControl.Any(v => v?.Contains("no-store", StringComparison.Ordinal) == true))
                headers.CacheControl = "no-store";
            return Task.CompletedTask;
        });
        return next(context);
    });
}
