using System.Net;
using Alba;
using JasperFx.CommandLine;
using Matching.Idp;
using Matching.LoadBench;
using Matching.Service.Infrastructure;
using Matching.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Playwright;
using Npgsql;

namespace Matching.Tests.Web;

/// <summary>
/// Two production nodes and a Development instance on one database, with the practice's identity provider: node A
/// serves a real browser on Kestrel, node B (same certificate and settings) and the Development instance answer
/// in-process. Chromium signs staff in at the provider.
/// </summary>
public sealed class SignInFixture : IAsyncLifetime
{
    private WebApplicationFactory<Program> _nodeA = null!;
    private IPlaywright _playwright = null!;

    public ProductionSecrets Secrets { get; } = ProductionSecrets.Create();
    public IdentityProvider Provider { get; private set; } = null!;
    public string NodeA { get; private set; } = null!;
    public IAlbaHost NodeB { get; private set; } = null!;
    public IAlbaHost Development { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string ConnectionString { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        JasperFxEnvironment.AutoStartHost = true;
        ConnectionString = await TestDatabase.CreateDatabaseAsync(nameof(SignInFixture));
        // The provider registers node A's callbacks, so node A's address comes first.
        NodeA = $"http://127.0.0.1:{ServiceProcess.FreePort()}/";
        Provider = await IdentityProvider.StartAsync(new ProviderOptions { Users = Staff.Users, Clients = [Staff.Client(NodeA)] });

        var production = Secrets.Settings(Provider.Authority, Staff.ClientId, Staff.ClientSecret);
        production["ConnectionStrings:Marten"] = ConnectionString;
        production["Matching:ApplySchemaOnStartup"] = "true";

        _nodeA = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            foreach (var (key, value) in production) builder.UseSetting(key, value);
            builder.UseUrls(NodeA.TrimEnd('/'));
        });
        _nodeA.UseKestrel();
        _nodeA.StartServer();

        NodeB = await AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment("Production");
            foreach (var (key, value) in production) builder.UseSetting(key, value);
        });
        Development = await AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:Marten", ConnectionString);
        });

        _playwright = await Playwright.CreateAsync();
        Browser = await BrowserFixture.LaunchChromiumAsync(_playwright);
    }

    /// <summary>A new browser (its own cookies) signed in at the provider as one of <see cref="Staff.Users" />, on <paramref name="page" />.</summary>
    public async Task<IPage> SignInAsync(string userName, string page)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = NodeA });
        context.SetDefaultTimeout(60_000);
        var tab = await context.NewPageAsync();
        await tab.GotoAsync(page);
        // Not signed in: the service hands over to the provider's login form.
        tab.Url.ShouldStartWith(Provider.Authority + "account/login");
        await tab.FillAsync("#username", userName);
        await tab.FillAsync("#password", Staff.Password);
        await tab.ClickAsync("button:text('Sign in')");
        await tab.WaitForURLAsync(NodeA.TrimEnd('/') + page);
        return tab;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (_nodeA is not null) await _nodeA.DisposeAsync();
        if (NodeB is not null) await NodeB.DisposeAsync();
        if (Development is not null) await Development.DisposeAsync();
        if (Provider is not null) await Provider.DisposeAsync();
        Secrets.Dispose();
    }
}

[Collection(RunAlone.Name)]
public class StaffSignInTests(SignInFixture app) : IClassFixture<SignInFixture>
{
    [Fact]
    public async Task staff_sign_in_at_the_provider_and_sign_out_of_both()
    {
        var page = await app.SignInAsync("cora", "/coordinator");
        (await page.TextContentAsync("h1"))!.ShouldContain("Referral queue");
        (await page.TextContentAsync(".who"))!.ShouldBe("Cora Coordinator");

        await page.ClickAsync("button:text('Sign out')");
        await page.WaitForURLAsync(app.NodeA);
        (await page.Locator("text=Staff sign-in").CountAsync()).ShouldBe(1);

        // Signed out at the provider too: the queue asks for the password again.
        await page.GotoAsync("/coordinator");
        page.Url.ShouldStartWith(app.Provider.Authority + "account/login");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task a_clinician_signs_in_with_the_clinician_id_the_provider_sends()
    {
        var page = await app.SignInAsync("carl", "/clinician");
        (await page.TextContentAsync("h1"))!.ShouldContain("My proposals");
        await page.GotoAsync("/coordinator");
        page.Url.ShouldContain("/denied");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task the_sign_in_of_one_node_is_good_on_another_node_of_the_same_database()
    {
        var page = await app.SignInAsync("cora", "/coordinator");
        var cookies = await page.Context.CookiesAsync();
        await page.Context.CloseAsync();

        using var nodeB = PageClient.For(app.NodeB);
        foreach (var cookie in cookies.Where(c => c.Name.StartsWith("matching.auth", StringComparison.Ordinal))) nodeB.Cookies[cookie.Name] = cookie.Value;
        using var queue = await nodeB.GetAsync("/coordinator");
        queue.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await queue.Content.ReadAsStringAsync()).ShouldContain("Referral queue");
    }

    [Fact]
    public async Task a_development_sign_in_is_refused_by_production_on_the_same_database()
    {
        using var development = PageClient.For(app.Development);
        (await development.SignInAsync(Roles.Admin)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        using (var there = await development.GetAsync("/coordinator")) there.StatusCode.ShouldBe(HttpStatusCode.OK);

        using var production = PageClient.For(app.NodeB);
        foreach (var (name, value) in development.Cookies.Where(c => c.Key.StartsWith("matching.auth", StringComparison.Ordinal)))
            production.Cookies[name] = value;
        using var queue = await production.GetAsync("/coordinator");

        // Not the page: the sign-in, which in production is the provider's.
        queue.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        queue.Headers.Location!.ToString().ShouldStartWith(app.Provider.Authority + "connect/authorize");
    }

    [Fact]
    public async Task production_keys_are_stored_encrypted_and_apart_from_developments()
    {
        // Both instances have protected something by now (their antiforgery tokens, at least).
        using (var production = PageClient.For(app.NodeB)) await production.GetAsync("/");
        using (var development = PageClient.For(app.Development)) await development.GetAsync("/sign-in");

        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select application, xml from matching.{KeyRing.TableName}", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new List<(string Application, string Xml)>();
        while (await reader.ReadAsync()) keys.Add((reader.GetString(0), reader.GetString(1)));

        var productionKeys = keys.Where(k => k.Application == "matching-production").ToArray();
        productionKeys.ShouldNotBeEmpty();
        productionKeys.ShouldAllBe(k => k.Xml.Contains("EncryptedData") && !k.Xml.Contains("<value>"));
        keys.Where(k => k.Application == "matching-development").ShouldNotBeEmpty();
    }
}
