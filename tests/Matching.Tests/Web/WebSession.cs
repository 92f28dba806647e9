using System.Globalization;
using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Matching.Tests.Web;

/// <summary>One signed-in browser (its own cookies), collecting console errors and each page's server time.</summary>
public sealed partial class WebSession : IAsyncDisposable
{
    private readonly BrowserFixture _app;

    private WebSession(BrowserFixture app, IBrowserContext context, IPage page)
    {
        _app = app;
        Context = context;
        Page = page;
    }

    public IBrowserContext Context { get; }
    public IPage Page { get; }
    public List<string> ConsoleErrors { get; } = [];

    public static async Task<WebSession> OpenAsync(BrowserFixture app, int width = 1280)
    {
        var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseUrl, ViewportSize = new ViewportSize { Width = width, Height = 900 }, AcceptDownloads = true
        });
        // Generous under a loaded 2-core machine; the assertions, not the clock, decide.
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(60_000);
        var page = await context.NewPageAsync();
        var session = new WebSession(app, context, page);
        session.Watch(page);
        return session;
    }

    public void Watch(IPage page)
    {
        page.Console += (_, message) =>
        {
            if (message.Type == "error") ConsoleErrors.Add($"{page.Url}: {message.Text}");
        };
        page.PageError += (_, error) => ConsoleErrors.Add($"{page.Url}: {error}");
        page.Response += (_, response) =>
        {
            if (response.Request.ResourceType != "document") return;
            if (!response.Headers.TryGetValue("server-timing", out var timing)) return;
            var match = Duration().Match(timing);
            if (!match.Success) return;
            var path = Ids().Replace(new Uri(response.Url).AbsolutePath, "{id}");
            lock (_app.RenderTimes)
                _app.RenderTimes.Add(($"{response.Request.Method} {path}", double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)));
        };
    }

    /// <summary>Signs in on the development page as a demo user of the role (a clinician by their directory name).</summary>
    public async Task SignInAsync(string role, string? clinicianName = null)
    {
        await Page.GotoAsync("/sign-in");
        await Page.CheckAsync($"#role-{role}");
        if (clinicianName is not null) await Page.SelectOptionAsync("#clinician", new SelectOptionValue { Label = clinicianName });
        await Page.ClickAsync("button:text('Sign in')");
        // Wait for the page the sign-in leads to, not for a load state a busy machine may report on the page being left.
        await Page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.StartsWith("/sign-in", StringComparison.Ordinal),
            new PageWaitForURLOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
    }

    /// <summary>
    /// Runs axe-core (WCAG 2.x A and AA rules and best practices) on the page as it stands and fails on any violation,
    /// naming the rule and the offending elements.
    /// </summary>
    public async Task ExpectAccessibleAsync(string state)
    {
        var result = await Page.RunAxe();
        var violations = result.Violations
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => string.Join(" ", n.Target)))}")
            .ToList();
        violations.ShouldBeEmpty($"axe-core on {state} ({Page.Url}) found violations");
    }

    /// <summary>axe on the page, then a full-page screenshot named after the state and the viewport width.</summary>
    public async Task CheckAsync(string state)
    {
        await ExpectAccessibleAsync(state);
        await ScreenshotAsync($"{state}-{Page.ViewportSize?.Width ?? 0}");
    }

    /// <summary><see cref="CheckAsync"/> of the page as it stands at 1280 and at 390 px, then back to this session's width.</summary>
    public async Task CheckAtBothWidthsAsync(string state)
    {
        var size = Page.ViewportSize!;
        foreach (var width in new[] { 1280, 390 })
        {
            await Page.SetViewportSizeAsync(width, size.Height);
            await CheckAsync(state);
        }
        await Page.SetViewportSizeAsync(size.Width, size.Height);
    }

    public async Task ScreenshotAsync(string name) =>
        await Page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(BrowserFixture.Screenshots, $"{name}.png"), FullPage = true
        });

    public async ValueTask DisposeAsync() => await Context.CloseAsync();

    [GeneratedRegex(@"dur=([0-9.]+)")]
    private static partial Regex Duration();

    [GeneratedRegex(@"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Ids();
}
