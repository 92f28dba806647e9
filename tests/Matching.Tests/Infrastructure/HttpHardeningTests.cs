using System.Net;
using System.Text.RegularExpressions;
using Matching.Service.Infrastructure;
using Matching.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Matching.Tests.Infrastructure;

/// <summary>
/// Behind a proxy: requests reach the service from a proxy at 10.0.0.5 (the TCP peer, which the test server
/// can't choose, is set from the X-Test-Peer header before anything else runs).
/// </summary>
public sealed class ProxiedAppFixture : AppFixture
{
    public const string Proxy = "10.0.0.5";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Proxy:KnownNetworks"] = "10.0.0.0/8, 192.168.10.0/24",
        ["Matching:IntakeRateLimitPerMinute"] = "2"
    };

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<IStartupFilter, PeerAddressFromHeader>();
}

/// <summary>The test server has no TCP peer: this sets the one a request claims in X-Test-Peer, before anything else runs.</summary>
public sealed class PeerAddressFromHeader : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, proceed) =>
        {
            context.Connection.RemoteIpAddress = IPAddress.Parse(context.Request.Headers["X-Test-Peer"].FirstOrDefault() ?? "198.51.100.1");
            return proceed(context);
        });
        next(app);
    };
}

/// <summary>Production behind a TLS proxy at 10.0.0.5, with HTTPS enforced.</summary>
public sealed class HttpsProductionFixture : ProductionFixture
{
    protected override IDictionary<string, string?> MoreSettings => new Dictionary<string, string?>
    {
        ["Proxy:KnownNetworks"] = "10.0.0.0/8",
        ["Https:Redirect"] = "true"
    };

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<IStartupFilter, PeerAddressFromHeader>();
}

public class HttpsEnforcementTests(HttpsProductionFixture app) : IClassFixture<HttpsProductionFixture>
{
    private async Task<HttpResponseMessage> ThroughProxy(string scheme)
    {
        using var browser = PageClient.For(app.Host);
        browser.Headers["X-Test-Peer"] = ProxiedAppFixture.Proxy;
        browser.Headers["X-Forwarded-Proto"] = scheme;
        browser.Headers["X-Forwarded-Host"] = "matching.practice.example";
        return await browser.GetAsync("/");
    }

    [Fact]
    public async Task pages_reached_over_https_tell_browsers_to_stay_on_https()
    {
        using var page = await ThroughProxy("https");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Headers.GetValues("Strict-Transport-Security").Single().ShouldBe("max-age=31536000; includeSubDomains");
    }

    [Fact]
    public async Task plain_http_through_the_proxy_is_redirected_to_https()
    {
        using var page = await ThroughProxy("http");
        ((int)page.StatusCode).ShouldBe(307);
        page.Headers.Location!.ToString().ShouldBe("https://matching.practice.example/");
    }
}

public class HttpHardeningTests(ProxiedAppFixture app) : IClassFixture<ProxiedAppFixture>
{
    private async Task<HttpStatusCode> Intake(string peer, string? forwardedFor)
    {
        var headers = new Dictionary<string, string> { ["X-Test-Peer"] = peer };
        if (forwardedFor is not null) headers["X-Forwarded-For"] = forwardedFor;
        var (status, _) = await app.Host.Post("/api/intake", Samples.Intake(), headers: headers);
        return status;
    }

    [Fact]
    public async Task through_a_known_proxy_each_client_address_has_its_own_intake_limit()
    {
        (await Intake(ProxiedAppFixture.Proxy, "203.0.113.7")).ShouldBe(HttpStatusCode.Created);
        (await Intake(ProxiedAppFixture.Proxy, "203.0.113.7")).ShouldBe(HttpStatusCode.Created);
        (await Intake(ProxiedAppFixture.Proxy, "203.0.113.7")).ShouldBe(HttpStatusCode.TooManyRequests);

        // Another client behind the same proxy is not held back by the first.
        (await Intake(ProxiedAppFixture.Proxy, "203.0.113.8")).ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task a_client_that_is_not_a_known_proxy_cannot_pick_its_bucket_with_forwarded_headers()
    {
        const string direct = "198.51.100.23";
        (await Intake(direct, "203.0.113.50")).ShouldBe(HttpStatusCode.Created);
        (await Intake(direct, "203.0.113.51")).ShouldBe(HttpStatusCode.Created);
        (await Intake(direct, "203.0.113.52")).ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task loopback_is_not_trusted_as_a_proxy_unless_configured()
    {
        const string local = "127.0.0.1";
        (await Intake(local, "203.0.113.60")).ShouldBe(HttpStatusCode.Created);
        (await Intake(local, "203.0.113.61")).ShouldBe(HttpStatusCode.Created);
        (await Intake(local, "203.0.113.62")).ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task cookies_are_secure_when_the_browser_reached_a_known_proxy_over_https()
    {
        using var browser = PageClient.For(app.Host);
        browser.Headers["X-Test-Peer"] = ProxiedAppFixture.Proxy;
        browser.Headers["X-Forwarded-Proto"] = "https";
        browser.Headers["X-Forwarded-For"] = "203.0.113.9";

        var signedIn = await browser.SignInAsync(Roles.Coordinator);
        signedIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var auth = browser.LastSetCookies.Single(c => c.StartsWith("matching.auth="));
        auth.ShouldContain("secure", Case.Insensitive);
        auth.ShouldContain("httponly", Case.Insensitive);
    }

    [Fact]
    public async Task cookies_are_not_marked_secure_for_plain_http_or_an_unknown_proxy_claiming_https()
    {
        using var browser = PageClient.For(app.Host);
        browser.Headers["X-Test-Peer"] = "198.51.100.77";
        browser.Headers["X-Forwarded-Proto"] = "https";

        (await browser.SignInAsync(Roles.Coordinator)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        browser.LastSetCookies.Single(c => c.StartsWith("matching.auth=")).ShouldNotContain("secure", Case.Insensitive);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/sign-in")]
    [InlineData("/thanks")]
    public async Task every_page_carries_a_strict_content_security_policy_and_the_security_headers(string page)
    {
        using var browser = PageClient.For(app.Host);
        using var response = await browser.GetAsync(page);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Directive(csp, "script-src").ShouldBe("'self'");
        Directive(csp, "style-src").ShouldBe("'self'");
        Directive(csp, "frame-ancestors").ShouldBe("'none'");
        Directive(csp, "object-src").ShouldBe("'none'");
        csp.ShouldNotContain("unsafe-inline");
        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        response.Headers.GetValues("Referrer-Policy").Single().ShouldBe("no-referrer");
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();

        // Nothing inline for the policy to block: no script bodies and no style attributes in what the page sends.
        var html = await response.Content.ReadAsStringAsync();
        Regex.Matches(html, "<script(?![^>]*\\bsrc=)[^>]*>").ShouldBeEmpty();
        html.ShouldNotContain(" style=\"");
    }

    [Fact]
    public async Task signed_in_pages_are_never_cached_and_static_files_may_be()
    {
        using var browser = PageClient.For(app.Host);
        await browser.SignInAsync(Roles.Coordinator);
        using var queue = await browser.GetAsync("/coordinator");
        queue.StatusCode.ShouldBe(HttpStatusCode.OK);
        queue.Headers.CacheControl!.NoStore.ShouldBeTrue();
        (await queue.Content.ReadAsStringAsync()).ShouldNotContain(" style=\"");

        using var css = await browser.GetAsync("/css/site.css");
        css.StatusCode.ShouldBe(HttpStatusCode.OK);
        (css.Headers.CacheControl?.NoStore ?? false).ShouldBeFalse();
    }

    [Fact]
    public async Task api_answers_with_personal_data_are_not_stored_by_browsers_or_proxies()
    {
        using var client = app.Host.Client(Tokens.Coordinator);
        client.DefaultRequestHeaders.Add("X-Test-Peer", "198.51.100.200");
        using var list = await client.GetAsync("/api/referrals");
        list.StatusCode.ShouldBe(HttpStatusCode.OK);
        list.Headers.CacheControl!.NoStore.ShouldBeTrue();
        list.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");

        using var missing = await client.GetAsync($"/api/referrals/{Guid.NewGuid()}");
        missing.Headers.CacheControl!.NoStore.ShouldBeTrue();
    }

    [Fact]
    public async Task the_api_reference_runs_its_scripts_by_nonce_only()
    {
        using var browser = PageClient.For(app.Host);
        var response = await browser.GetAsync("/docs");
        if (response.StatusCode is HttpStatusCode.Found or HttpStatusCode.MovedPermanently)
            response = await browser.GetAsync(response.Headers.Location!.ToString());
        response.StatusCode.ShouldBe(HttpStatusCode.OK);

        var scriptSrc = Directive(response.Headers.GetValues("Content-Security-Policy").Single(), "script-src");
        scriptSrc.ShouldNotContain("unsafe-inline");
        var nonce = Regex.Match(scriptSrc, "'nonce-([^']+)'").Groups[1].Value;
        nonce.ShouldNotBeNullOrEmpty();
        var html = await response.Content.ReadAsStringAsync();
        var scripts = Regex.Matches(html, "<script[^>]*>");
        scripts.ShouldNotBeEmpty();
        scripts.ShouldAllBe(s => WebUtility.HtmlDecode(s.Value).Contains($"nonce=\"{nonce}\""));
        response.Dispose();
    }

    private static string Directive(string csp, string name) =>
        csp.Split(';', StringSplitOptions.TrimEntries).Single(d => d.StartsWith(name + " ", StringComparison.Ordinal))[(name.Length + 1)..];
}
