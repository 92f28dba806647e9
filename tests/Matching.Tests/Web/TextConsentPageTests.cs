using Marten;
using Matching.Service.Referrals;
using Microsoft.Extensions.DependencyInjection;
using static Matching.Tests.Web.PageSteps;

namespace Matching.Tests.Web;

/// <summary>The public form's optional consent to texts, kept with the intake only when the client ticks it.</summary>
[Collection(PagesCollection.Name)]
public class TextConsentPageTests(BrowserFixture app)
{
    [Theory]
    [InlineData(1280, true)]
    [InlineData(1280, false)]
    [InlineData(390, true)]
    [InlineData(390, false)]
    public async Task the_form_records_whether_the_client_may_be_texted(int width, bool textsOk)
    {
        await using var client = await WebSession.OpenAsync(app, width);
        var page = client.Page;
        await page.GotoAsync("/");
        var lastName = $"Texter{width}{Guid.NewGuid():N}"[..20];
        await FillIntakeAsync(page, lastName);
        await page.FillAsync("#phone", "303 555 0142");
        var consent = page.GetByLabel("You may text me at this number");
        (await consent.IsCheckedAsync()).ShouldBeFalse("texts are opt-in");
        if (textsOk) await consent.CheckAsync();
        await client.CheckAsync(textsOk ? "intake-texts-ok" : "intake-no-texts");

        await page.ClickAsync("#send");
        await page.WaitForURLAsync("**/thanks");

        await using var session = app.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var referral = await session.Query<Referral>().SingleAsync(r => r.Intake.Client!.LastName == lastName);
        referral.Intake.Consent.TextMessagesOk.ShouldBe(textsOk);
        referral.Intake.Client.Phone.ShouldBe("303 555 0142");
    }
}
