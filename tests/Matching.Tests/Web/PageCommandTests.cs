using System.Net;
using Matching.Service.Infrastructure;
using Matching.Tests.Support;

namespace Matching.Tests.Web;

/// <summary>
/// A page's form sends the same command as the API, to the same handler: the events carry the signed-in user, a refusal
/// is the API's problem shown on the page, and nothing is appended for it.
/// </summary>
public class PageCommandTests(LifecycleFixture app) : IClassFixture<LifecycleFixture>
{
    [Fact]
    public async Task a_form_triages_through_the_command_handler_as_the_signed_in_coordinator()
    {
        var referral = await app.Host.SubmittedReferral();
        using var page = await SignedInCoordinator();

        var response = await page.PostFormAsync(referral.PageUrl(), new Dictionary<string, string>
        {
            ["priority"] = "Routine", ["expectedVersion"] = referral.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)
        }, referral.PageUrl() + "?handler=Triage");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var events = await referral.Events();
        events.Count.ShouldBe((int)referral.Version + 1);
        events[^1].Headers![Actor.SubHeader].ToString().ShouldBe("demo-coordinator");
    }

    [Fact]
    public async Task a_refused_form_shows_the_handlers_answer_and_appends_nothing()
    {
        var referral = await app.Host.SubmittedReferral().Triaged();
        using var page = await SignedInCoordinator();

        var again = await page.PostFormAsync(referral.PageUrl(), new Dictionary<string, string> { ["priority"] = "Urgent" },
            referral.PageUrl() + "?handler=Triage");
        var missing = await page.PostFormAsync(referral.PageUrl(), new Dictionary<string, string>(), referral.PageUrl() + "?handler=Waitlist");

        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await again.Content.ReadAsStringAsync()).ShouldContain("Can&#x27;t triage a referral that is awaitingMatch");
        missing.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await missing.Content.ReadAsStringAsync()).ShouldContain("Say why the referral waits.");
        (await referral.Events()).Count.ShouldBe((int)referral.Version);
    }

    private async Task<PageClient> SignedInCoordinator()
    {
        var page = PageClient.For(app.Host);
        (await page.SignInAsync(Roles.Coordinator)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return page;
    }
}

internal static class ReferralPages
{
    public static string PageUrl(this ScenarioReferral referral) => $"/coordinator/referrals/{referral.Id}";
}
