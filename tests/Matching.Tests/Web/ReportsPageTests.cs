using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Matching.Service.Infrastructure;
using Matching.Tests.Fhir;
using Matching.Tests.Support;
using Microsoft.Playwright;
using Task = System.Threading.Tasks.Task;

namespace Matching.Tests.Web;

/// <summary>The reports page in Chromium: each chart with its table, a CSV download per report, dates in the practice's zone.</summary>
[Collection(PagesCollection.Name)]
public class ReportsPageTests(BrowserFixture app)
{
    [Fact]
    public async Task each_chart_is_followed_by_its_table_and_a_csv_download_that_holds_the_same_numbers()
    {
        await using var analyst = await WebSession.OpenAsync(app);
        await analyst.SignInAsync(Roles.Analyst);
        var page = analyst.Page;
        await page.GotoAsync("/reports");

        // Every chart has its table right after it, and every table a download.
        var sections = page.Locator("section.card:has(svg.chart)");
        (await sections.CountAsync()).ShouldBeGreaterThanOrEqualTo(5);
        for (var i = 0; i < await sections.CountAsync(); i++)
        {
            var order = await sections.Nth(i).EvaluateAsync<string[]>(
                "s => [...s.querySelectorAll('svg.chart, table, a[download]')].map(e => e.tagName.toLowerCase())");
            order.ShouldBe(["svg", "table", "a"]);
        }

        // The projection behind the reports may catch up between a render and a download; they agree once it is still.
        string[]? lines = null;
        var shown = -1;
        await PageSteps.EventuallyAsync(async () =>
        {
            await page.GotoAsync("/reports");
            shown = int.Parse((await page.TextContentAsync("td[data-stage=submitted]"))!, CultureInfo.InvariantCulture);
            var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("a[data-report=funnel]"));
            download.SuggestedFilename.ShouldBe("funnel.csv");
            lines = (await File.ReadAllTextAsync((await download.PathAsync())!)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            return lines[^1].Split(',')[1] == shown.ToString(CultureInfo.InvariantCulture);
        });
        lines![0].ShouldBe("month,submitted,triaged,proposed,accepted,booked,attended,proposals,rematches,selfBooked,coordinatorBooked,attendedSelfBooked,attendedCoordinatorBooked");
        lines[^1].ShouldStartWith($"all,{shown},");
        shown.ShouldBeGreaterThan(0);
        analyst.ConsoleErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task the_funnel_by_source_shows_the_public_form_then_each_partner_with_its_csv_and_no_personal_data()
    {
        // A partner of this test's own, so its row holds exactly its referral.
        var organization = $"org-northside-{Guid.NewGuid().ToString("N")[..8]}";
        using (var fhir = new FhirClient(new Uri(new Uri(app.BaseUrl), "/fhir"),
                   new FhirClientSettings { PreferredFormat = ResourceFormat.Json, VerifyFhirVersion = false }))
        {
            fhir.RequestHeaders!.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.Referrer(organization));
            await fhir.CreateAsync<Resource>(BserExamples.Referral($"REF-{Guid.NewGuid():N}"));
        }
        using (var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) })
        {
            var intake = Samples.Intake() with { Client = Samples.Intake().Client! with { LastName = "Quennell", Email = "quennell@example.org" } };
            (await http.PostAsJsonAsync("/api/intake", intake, Http.Json)).StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        await using var analyst = await WebSession.OpenAsync(app);
        await analyst.SignInAsync(Roles.Analyst);
        var page = analyst.Page;
        var partner = $"#funnel-sources tr[data-organization='{organization}']";
        // The facts behind the reports are kept by a worker: the page shows the partner once it has caught up.
        await PageSteps.EventuallyAsync(async () =>
        {
            await page.GotoAsync("/reports");
            return await page.Locator(partner).CountAsync() == 1;
        });

        var card = page.Locator("#funnel-by-source");
        (await card.Locator("h2").TextContentAsync()).ShouldBe("Funnel by source");
        (await card.Locator("caption").TextContentAsync())!.ShouldNotBeNullOrWhiteSpace();
        (await card.Locator("svg.chart").GetAttributeAsync("aria-label"))!.ShouldStartWith("Referrals submitted per source");
        (await card.Locator("thead th").AllTextContentsAsync()).Take(7).ShouldBe(
            ["Source", "Submitted", "Triaged", "Proposed", "Accepted", "Booked", "Attended"]);
        var form = card.Locator("tbody tr").First;
        (await form.GetAttributeAsync("data-source")).ShouldBe("form");
        (await form.Locator("th[scope=row]").TextContentAsync()).ShouldBe("Public form");
        int.Parse((await form.Locator("td[data-count=submitted]").TextContentAsync())!, CultureInfo.InvariantCulture).ShouldBeGreaterThan(0);
        (await page.Locator($"{partner} th[scope=row]").TextContentAsync()).ShouldBe(organization);
        (await page.GetAttributeAsync(partner, "data-source")).ShouldBe("fhir");
        (await page.Locator($"{partner} td").AllTextContentsAsync()).ShouldBe(["1", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"]);

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("a[data-report=funnel-by-source]"));
        download.SuggestedFilename.ShouldBe("funnel-by-source.csv");
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe("source,organization,submitted,triaged,proposed,accepted,booked,attended,proposals,rematches,selfBooked,coordinatorBooked,attendedSelfBooked,attendedCoordinatorBooked");
        lines[1].ShouldStartWith("form,,");
        lines.ShouldContain($"fhir,{organization},1,0,0,0,0,0,0,0,0,0,0,0");
        lines[^1].ShouldStartWith("all,,");

        // Who was referred is never in a report: neither the partner's patient nor the form's client.
        foreach (var text in new[] { await card.InnerTextAsync(), csv })
        foreach (var personal in new[] { "Okafor", "Adaeze", "303 555 0142", "Quennell", "quennell@example.org" })
            text.ShouldNotContain(personal);
        analyst.ConsoleErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task the_date_range_is_stated_in_the_practice_zone_and_goes_into_the_download()
    {
        await using var analyst = await WebSession.OpenAsync(app);
        await analyst.SignInAsync(Roles.Analyst);
        var page = analyst.Page;
        await page.GotoAsync("/reports");
        (await page.TextContentAsync("#range-zone"))!.ShouldContain("America/Denver");
        (await page.TextContentAsync("label[for=from]"))!.ShouldContain("America/Denver");

        await page.FillAsync("#from", "2026-01-01");
        await page.FillAsync("#to", "2026-12-31");
        await page.ClickAsync("button:text('Show')");
        await page.WaitForURLAsync("**from=2026-01-01**");
        (await page.TextContentAsync("#range-shown"))!.ShouldContain("Intakes from 2026-01-01 to 2026-12-31");
        (await page.GetAttributeAsync("a[data-report=waitlist]", "href"))!.ShouldContain("from=2026-01-01");

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("a[data-report=time-to-first-session]"));
        download.SuggestedFilename.ShouldBe("time-to-first-session-2026-01-01-2026-12-31.csv");
        var text = await File.ReadAllTextAsync((await download.PathAsync())!);
        text.Split("\r\n")[0].ShouldNotBeNullOrWhiteSpace();
        analyst.ConsoleErrors.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task the_reports_page_passes_axe(int width)
    {
        await using var analyst = await WebSession.OpenAsync(app, width);
        await analyst.SignInAsync(Roles.Analyst);
        await analyst.Page.GotoAsync("/reports");
        await analyst.CheckAsync("reports");
        analyst.ConsoleErrors.ShouldBeEmpty();
    }
}
