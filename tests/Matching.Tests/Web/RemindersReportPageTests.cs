using Marten;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Microsoft.Extensions.DependencyInjection;
using static Matching.Tests.Reports.StampedReferrals;

namespace Matching.Tests.Web;

/// <summary>
/// The reports page's bookings split and its reminders report, over referrals of an intake day no other page test uses,
/// so the numbers shown are exactly theirs.
/// </summary>
[Collection(PagesCollection.Name)]
public class RemindersReportPageTests(BrowserFixture app)
{
    private static readonly SemaphoreSlim Once = new(1, 1);
    private static bool _seeded;

    private static readonly DateTimeOffset Intake = new(2024, 2, 29, 17, 0, 0, TimeSpan.Zero);
    private const string Day = "2024-02-29";

    /// <summary>One self-booked session, reminded by email and text two days ahead, attended; one booked by a coordinator, not reminded, missed.</summary>
    private async Task SeedAsync()
    {
        await Once.WaitAsync();
        try
        {
            if (_seeded) return;
            var store = app.Services.GetRequiredService<IDocumentStore>();
            await AppendAsync(store, Intake, "self-booked", (Client, Booking(s => s.A, 100, Intake)),
                (ByTimer, Reminder(s => s.A, TimeSpan.FromDays(2), ContactChannel.Email, ContactChannel.Sms)), (Coordinator, Attended(s => s.A)));
            await AppendAsync(store, Intake, "coordinator-booked", (Coordinator, Booking(s => s.A, 60, Intake)), (Coordinator, Missed(s => s.A)));
            _seeded = true;
        }
        finally
        {
            Once.Release();
        }
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task the_page_shows_who_booked_the_reminders_sent_and_the_no_show_rate_with_and_without_one(int width)
    {
        await SeedAsync();
        await using var analyst = await WebSession.OpenAsync(app, width);
        await analyst.SignInAsync(Roles.Analyst);
        var page = analyst.Page;

        // The facts behind the reports are kept by a worker: the page shows them once it has caught up.
        await PageSteps.EventuallyAsync(async () =>
        {
            await page.GotoAsync($"/reports?from={Day}&to={Day}");
            return await page.TextContentAsync("#reminder-outcomes tr[data-sessions=with] td:nth-child(2)") == "1";
        });

        (await page.TextContentAsync("td[data-stage=self-booked]")).ShouldBe("1");
        (await page.TextContentAsync("td[data-stage=coordinator-booked]")).ShouldBe("1");
        (await page.TextContentAsync("td[data-stage=attended-self-booked]")).ShouldBe("1");
        (await page.TextContentAsync("td[data-stage=attended-coordinator-booked]")).ShouldBe("0");

        var sent = page.Locator("#reminders-sent tbody tr");
        (await sent.AllInnerTextsAsync()).Select(Cells).ShouldBe([
            ["2 days", "Email", "1"], ["2 days", "Text message", "1"], ["2 hours", "Email", "0"], ["2 hours", "Text message", "0"]
        ]);
        Cells(await page.InnerTextAsync("#reminder-outcomes tr[data-sessions=with]")).ShouldBe(["With a reminder", "1", "0", "0%"]);
        Cells(await page.InnerTextAsync("#reminder-outcomes tr[data-sessions=without]")).ShouldBe(["Without a reminder", "0", "1", "100%"]);
        (await page.TextContentAsync("#reminders p:not(.as-of)"))!.ShouldContain("Reminders sent: 1 · first sessions reminded: 1");

        // Each of the two sections is a chart, then its table, then the CSV of the whole report.
        foreach (var section in new[] { "#reminders", "#reminder-no-shows" })
        {
            var order = await page.Locator(section).EvaluateAsync<string[]>(
                "s => [...s.querySelectorAll('svg.chart, table, a[download]')].map(e => e.tagName.toLowerCase())");
            order.ShouldBe(["svg", "table", "a"]);
        }
        await analyst.CheckAsync("reports-reminders");

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#reminders a[data-report=reminders]").ClickAsync());
        download.SuggestedFilename.ShouldBe($"reminders-{Day}-{Day}.csv");
        var lines = (await File.ReadAllTextAsync((await download.PathAsync())!)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldBe([
            "measure,leadHours,channel,count,attended,noShows,noShowRate",
            "sent,48,email,1,,,", "sent,48,sms,1,,,", "sent,2,email,0,,,", "sent,2,sms,0,,,",
            "sessionsWithReminder,,,1,1,0,0", "sessionsWithoutReminder,,,1,0,1,1"
        ]);
        analyst.ConsoleErrors.ShouldBeEmpty();
    }

    private static string[] Cells(string row) => row.Split('\t', StringSplitOptions.TrimEntries);
}
