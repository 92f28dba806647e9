using System.Globalization;
using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Accepting;
using Matching.Service.Referrals.Proposing;
using Matching.Service.Referrals.SubmittingIntake;
using Matching.Service.Referrals.Triaging;
using Matching.Service.Shared;
using Matching.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Wolverine;

namespace Matching.Tests.Web;

/// <summary>Steps the page tests share: filling the public form, proposing, reading messages, moving by keyboard.</summary>
public static class PageSteps
{
    public static async Task<string> FirstReferralAsync(IPage page, string list, string prefix)
    {
        await page.GotoAsync(list);
        return (await page.Locator($"a[href^='{prefix}']").First.GetAttributeAsync("href"))!;
    }

    public static async Task FillIntakeAsync(IPage page, string lastName, string safety = "NotAtAll")
    {
        await page.GetByLabel("First name").FillAsync("Robin");
        await page.GetByLabel("Last name").FillAsync(lastName);
        await page.GetByLabel("Date of birth").FillAsync("1988-05-14");
        await page.GetByLabel("State you live in").SelectOptionAsync("CO");
        await page.FillAsync("#email", $"robin.{lastName.ToLowerInvariant()}@example.org");
        await page.CheckAsync("input[name='Form.SessionType'][value='Individual']");
        await page.CheckAsync("input[name='Form.Concerns'][value='Anxiety']");
        await page.CheckAsync("input[name='Form.Format'][value='Either']");
        await page.CheckAsync("input[name='Form.PaymentMethod'][value='SelfPay']");
        await page.GetByLabel("Most you can pay per session").FillAsync("400");
        await page.CheckAsync($"input[name='Form.Safety'][value='{safety}']");
        await page.CheckAsync("input[name='Form.ContactConsent']");
        await page.CheckAsync("input[name='Form.PrivacyConsent']");
    }

    public static async Task<string> ProposeTopCandidateAsync(IPage page)
    {
        var button = page.Locator("#suggestions button[aria-label^='Propose ']").First;
        var name = (await button.GetAttributeAsync("aria-label"))!["Propose ".Length..];
        await button.ClickAsync();
        await ExpectFlashAsync(page, "Clinician proposed.");
        return name;
    }

    public static async Task ExpectFlashAsync(IPage page, string text)
    {
        var flash = page.Locator("p.notice.success");
        try
        {
            // The expected message or a problem: a form posted by a key press navigates a moment later, and until then the
            // page still shows the message of the step before.
            await flash.Filter(new LocatorFilterOptions { HasText = text }).Or(page.Locator("#problem")).First
                .WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        }
        catch (TimeoutException)
        {
            var body = await page.ContentAsync();
            throw new TimeoutException($"No message on {page.Url} after expecting '{text}': {body[..Math.Min(body.Length, 1500)]}");
        }
        var problem = await page.Locator("#problem").CountAsync() > 0 ? await page.TextContentAsync("#problem") : null;
        problem.ShouldBeNull();
        (await flash.TextContentAsync())!.ShouldStartWith(text);
    }

    public static async Task<int> FunnelAsync(IPage page, string stage)
    {
        await page.GotoAsync("/reports");
        return int.Parse((await page.TextContentAsync($"td[data-stage={stage}]"))!, CultureInfo.InvariantCulture);
    }

    public static async Task TabToAsync(IPage page, string selector)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await page.EvaluateAsync<bool>("s => document.activeElement === document.querySelector(s)", selector)) return;
            await page.Keyboard.PressAsync("Tab");
        }
        throw new InvalidOperationException($"Tab never reached {selector}.");
    }

    public static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The condition did not hold within 30 s.");
            await Task.Delay(500);
        }
    }

    /// <summary>Sends a command to its handler as a page or route would (the bus is scoped, so a scope per command).</summary>
    public static async Task<TResult> AskAsync<TResult>(BrowserFixture app, ICommand<TResult> command) where TResult : class, IAnswer
    {
        await using var scope = app.Services.CreateAsyncScope();
        var answer = await scope.ServiceProvider.GetRequiredService<IMessageBus>().AskAsync(command, default);
        answer.Problem.ShouldBeNull();
        return answer.Result!;
    }

    /// <summary>A clinician licensed only in Wyoming (other tests' Colorado clients never get them), both formats, with these weekly hours.</summary>
    public static async Task<Guid> WyomingClinicianAsync(BrowserFixture app, string name, params WeeklyWindow[] hours)
    {
        var id = Guid.CreateVersion7();
        var profile = new ClinicianProfile(name, "LCSW", $"{id:N}@practice.example", "America/Denver", ["WY"], ["WY"],
            [SessionFormat.InPerson, SessionFormat.Telehealth], [SessionType.Individual], [AgeGroup.Adult], [Concern.Anxiety],
            [Modality.Cbt], ["English"], ["Aetna"], 150m, null, Gender.Male, false, false, false);
        await using var session = app.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        session.Events.StartStream<Clinician>(id, new ClinicianOnboarded(profile, 25, 20, true, hours));
        await session.SaveChangesAsync();
        return id;
    }

    /// <summary>A new client's referral (either format), proposed to the clinician with an override (the licence) and accepted.</summary>
    public static async Task<Guid> AcceptedByAsync(BrowserFixture app, Guid clinician)
    {
        var id = (await AskAsync(app, new SubmitIntake(Samples.Intake() with { Format = FormatPreference.Either }, null))).ReferralId;
        await AskAsync(app, new TriageReferral(TriagePriority.Routine, null, null) { ReferralId = id });
        var proposal = await AskAsync(app, new ProposeMatch(clinician, null, "Licensed where the client will be this year.", null) { ReferralId = id });
        await AskAsync(app, new AcceptProposal(null, null) { ReferralId = id, ProposalId = proposal.ProposalId, AnsweredBy = clinician });
        return id;
    }
}
