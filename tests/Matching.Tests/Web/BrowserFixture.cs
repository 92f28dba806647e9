using JasperFx.CommandLine;
using Matching.DevHost.Seeding;
using Matching.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Matching.Tests.Web;

/// <summary>
/// The service on real Kestrel (a free loopback port) over its own database with the demo data, a
/// movable clock, and Debian's Chromium driven by Playwright. Screenshots go to TestResults/screenshots.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private WebApplicationFactory<Program> _factory = null!;
    private IPlaywright _playwright = null!;

    public MovableClock Clock { get; } = new();
    public IBrowser Browser { get; private set; } = null!;
    public string BaseUrl { get; private set; } = null!;
    public IServiceProvider Services => _factory.Services;

    public static string Screenshots { get; } = Path.Combine(FindRepositoryRoot(), "TestResults", "screenshots");

    /// <summary>Server-Timing of every page response, by path without ids.</summary>
    public List<(string Page, double Milliseconds)> RenderTimes { get; } = [];

    public async Task InitializeAsync()
    {
        JasperFxEnvironment.AutoStartHost = true;
        var connectionString = await TestDatabase.CreateDatabaseAsync(nameof(BrowserFixture));
        (_factory, BaseUrl) = KestrelService.Start(connectionString, Clock, services: services => services.AddDemoData(seedOnStart: false));

        await Services.GetRequiredService<DemoData>().SeedAsync();

        Directory.CreateDirectory(Screenshots);
        _playwright = await Playwright.CreateAsync();
        Browser = await LaunchChromiumAsync(_playwright);
    }

    /// <summary>Debian's Chromium, headless, as root too.</summary>
    public static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]
        });

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (_factory is not null) await _factory.DisposeAsync();
    }

    private static string FindRepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Matching.EventSourced.sln"))) folder = folder.Parent;
        return folder?.FullName ?? AppContext.BaseDirectory;
    }
}
