using Matching.Service.Clinicians;
using Matching.Service.Infrastructure;
using static Matching.Tests.Web.PageSteps;

namespace Matching.Tests.Web;

/// <summary>The admin gives a clinician the office address and video room the first-session reminders tell clients.</summary>
[Collection(PagesCollection.Name)]
public class ClinicianPlacePageTests(BrowserFixture app)
{
    [Fact]
    public async Task an_admin_sets_the_office_address_and_the_video_room_which_must_be_a_web_address()
    {
        var clinician = await ClinicianSteps.OnboardAsync(app, "Ines Place");
        await using var admin = await WebSession.OpenAsync(app);
        var page = admin.Page;
        await admin.SignInAsync(Roles.Admin);
        await page.GotoAsync($"/admin/clinicians/{clinician.Id}");

        await page.FillAsync("#address", "1550 Larimer St, Suite 400, Denver, CO 80202");
        await page.FillAsync("#video", "ftp://video.example.org/ines");
        await page.ClickAsync("button:text-is('Save profile')");
        (await page.Locator("#video").GetAttributeAsync("aria-invalid")).ShouldBe("true");
        (await page.Locator("main").InnerTextAsync()).ShouldContain("Give the video room's address, starting with https://.");
        (await ClinicianSteps.EventsAsync(app, clinician.Id)).Count.ShouldBe(1, "a refused profile appends nothing");
        await admin.CheckAtBothWidthsAsync("admin-clinician-video-link-refused");

        await page.FillAsync("#video", "https://video.example.org/ines-place");
        await page.ClickAsync("button:text-is('Save profile')");
        await ExpectFlashAsync(page, "Profile saved.");

        var profile = (await ClinicianSteps.LoadAsync(app, clinician.Id)).Profile;
        (profile.OfficeAddress, profile.TelehealthLink).ShouldBe(("1550 Larimer St, Suite 400, Denver, CO 80202", "https://video.example.org/ines-place"));
        (await ClinicianSteps.EventsAsync(app, clinician.Id)).Last().Data.ShouldBeOfType<ClinicianProfileUpdated>();
        await page.GotoAsync($"/admin/clinicians/{clinician.Id}");
        (await page.InputValueAsync("#address")).ShouldBe("1550 Larimer St, Suite 400, Denver, CO 80202");
        (await page.InputValueAsync("#video")).ShouldBe("https://video.example.org/ines-place");
        await admin.CheckAtBothWidthsAsync("admin-clinician-place");
        admin.ConsoleErrors.ShouldBeEmpty();
    }
}
