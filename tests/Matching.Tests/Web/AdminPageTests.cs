using Matching.Service.Clinicians;
using Matching.Service.Infrastructure;
using Matching.Service.Shared;
using Microsoft.Playwright;
using static Matching.Tests.Web.PageSteps;

namespace Matching.Tests.Web;

/// <summary>The admin's clinician pages: state changes only after a confirmation, availability edits, offboarding.</summary>
[Collection(PagesCollection.Name)]
public class AdminPageTests(BrowserFixture app)
{
    [Fact]
    public async Task accepting_and_pause_change_only_after_a_confirmation()
    {
        var clinician = await ClinicianSteps.OnboardAsync(app, "Ines Toggle");
        await using var admin = await WebSession.OpenAsync(app);
        var page = admin.Page;
        await admin.SignInAsync(Roles.Admin);
        await page.GotoAsync("/admin/clinicians");
        await admin.CheckAtBothWidthsAsync("admin-clinicians");

        // One click on the list opens the confirmation: nothing has changed yet.
        await Row(page, clinician.Name).Locator("a:text('Stop…')").ClickAsync();
        await page.WaitForURLAsync($"**/admin/clinicians/{clinician.Id}/confirm/stop-accepting");
        (await page.TextContentAsync("h1"))!.ShouldBe($"Stop accepting new clients for {clinician.Name}?");
        (await ClinicianSteps.EventsAsync(app, clinician.Id)).Count.ShouldBe(1);
        (await ClinicianSteps.LoadAsync(app, clinician.Id)).AcceptingNewClients.ShouldBeTrue();
        await admin.CheckAtBothWidthsAsync("admin-confirm-stop-accepting");

        // Cancel leaves it as it was; confirming changes it.
        await page.ClickAsync("a:text-is('Cancel')");
        await page.WaitForURLAsync("**/admin/clinicians");
        (await Row(page, clinician.Name).Locator("td").Nth(3).TextContentAsync())!.ShouldContain("Yes");
        await Row(page, clinician.Name).Locator("a:text('Stop…')").ClickAsync();
        await page.ClickAsync("button:text-is('Stop accepting new clients')");
        await ExpectFlashAsync(page, $"{clinician.Name} no longer accepts new clients.");
        (await Row(page, clinician.Name).Locator("td").Nth(3).TextContentAsync())!.ShouldContain("No");

        await Row(page, clinician.Name).Locator("a:text('Pause…')").ClickAsync();
        await page.WaitForURLAsync($"**/admin/clinicians/{clinician.Id}/confirm/pause");
        (await ClinicianSteps.LoadAsync(app, clinician.Id)).Paused.ShouldBeFalse();
        await page.FillAsync("#reason", "Conference week");
        await page.ClickAsync("button:text-is('Pause')");
        await ExpectFlashAsync(page, $"{clinician.Name} is paused.");
        (await Row(page, clinician.Name).Locator("td").Nth(4).TextContentAsync())!.ShouldContain("Paused");

        var state = await ClinicianSteps.LoadAsync(app, clinician.Id);
        (state.AcceptingNewClients, state.Paused, state.CaseloadLimit).ShouldBe((false, true, 25));
        (await ClinicianSteps.EventsAsync(app, clinician.Id)).Last().Data.ShouldBe(new ClinicianPaused("Conference week"));
        admin.ConsoleErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task an_admin_edits_a_clinicians_weekly_availability()
    {
        var clinician = await ClinicianSteps.OnboardAsync(app, "Ines Hours");
        await using var admin = await WebSession.OpenAsync(app);
        var page = admin.Page;
        await admin.SignInAsync(Roles.Admin);
        await page.GotoAsync("/admin/clinicians");
        await page.ClickAsync($"a:text-is('{clinician.Name}')");
        await page.WaitForURLAsync($"**/admin/clinicians/{clinician.Id}");
        await admin.CheckAtBothWidthsAsync("admin-clinician-edit");

        // Monday's window is cleared and a Saturday morning added.
        await page.SelectOptionAsync("#window-0-day", "");
        await page.FillAsync("#window-0-from", "");
        await page.FillAsync("#window-0-to", "");
        await page.SelectOptionAsync("#window-1-day", "Saturday");
        await page.FillAsync("#window-1-from", "09:30");
        await page.FillAsync("#window-1-to", "12:00");
        await page.ClickAsync("button:text-is('Save availability')");
        await ExpectFlashAsync(page, "Availability saved.");

        (await ClinicianSteps.LoadAsync(app, clinician.Id)).Availability.ShouldBe([new AvailabilityWindow(WeekDay.Saturday, "09:30", "12:00")]);
        var changed = (await ClinicianSteps.EventsAsync(app, clinician.Id)).Last();
        changed.Data.ShouldBeOfType<ClinicianAvailabilityChanged>();
        Actor.FromHeaders(changed.Headers, changed.UserName).Role.ShouldBe(Roles.Admin);
        (await page.InputValueAsync("#window-0-from")).ShouldBe("09:30");
        admin.ConsoleErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task offboarding_states_the_open_proposals_and_happens_only_when_confirmed()
    {
        var clinician = await ClinicianSteps.OnboardAsync(app, "Ines Leaving");
        await ClinicianSteps.ProposeAsync(app, clinician.Id, "Weekday mornings suit this client.");
        await using var admin = await WebSession.OpenAsync(app);
        var page = admin.Page;
        await admin.SignInAsync(Roles.Admin);
        await page.GotoAsync($"/admin/clinicians/{clinician.Id}");
        await page.ClickAsync("a:text-is('Offboard…')");
        await page.WaitForURLAsync($"**/admin/clinicians/{clinician.Id}/confirm/offboard");

        var consequences = (await page.TextContentAsync("#consequences"))!;
        consequences.ShouldContain("Open proposals: 1. Each stays open until answered or expired");
        consequences.ShouldContain("never suggested or proposed again");
        (await ClinicianSteps.LoadAsync(app, clinician.Id)).Offboarded.ShouldBeFalse();
        await admin.CheckAtBothWidthsAsync("admin-offboard-confirmation");

        await page.FillAsync("#reason", "Left the practice");
        await page.ClickAsync("button:text-is('Offboard')");
        await ExpectFlashAsync(page, $"{clinician.Name} was offboarded.");
        (await page.Locator($"a:text-is('{clinician.Name}')").CountAsync()).ShouldBe(0);
        var offboarded = (await ClinicianSteps.EventsAsync(app, clinician.Id)).Last();
        offboarded.Data.ShouldBe(new ClinicianOffboarded("Left the practice"));
        Actor.FromHeaders(offboarded.Headers, offboarded.UserName).Role.ShouldBe(Roles.Admin);
        admin.ConsoleErrors.ShouldBeEmpty();
    }

    private static ILocator Row(IPage page, string name) => page.Locator($"tr:has(a:text-is('{name}'))");
}
