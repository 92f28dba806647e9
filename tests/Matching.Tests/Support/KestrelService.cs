using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Matching.Tests.Support;

/// <summary>
/// The service on real Kestrel at a free loopback port, for clients outside the process (a browser, a proxy): Development,
/// its own database, a <see cref="MovableClock" />.
/// </summary>
public static class KestrelService
{
    public static (WebApplicationFactory<Program> Factory, string BaseUrl) Start(
        string connectionString, TimeProvider clock, IDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null)
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:Marten", connectionString);
            builder.UseSetting("Matching:IntakeRateLimitPerMinute", "100000");
            builder.UseSetting("Matching:ClientLinkRateLimitPerMinute", "100000");
            foreach (var (key, value) in settings ?? new Dictionary<string, string>()) builder.UseSetting(key, value);
            // A free loopback port, chosen by the OS when Kestrel binds.
            builder.UseUrls("http://127.0.0.1:0");
            builder.ConfigureTestServices(s =>
            {
                s.AddSingleton(clock);
                services?.Invoke(s);
            });
        });
        factory.UseKestrel();
        factory.StartServer();
        var baseUrl = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        if (baseUrl.EndsWith(":0", StringComparison.Ordinal)) throw new InvalidOperationException($"Kestrel did not report its port: {baseUrl}");
        return (factory, baseUrl);
    }
}
