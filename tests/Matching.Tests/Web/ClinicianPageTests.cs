using System.Globalization;
using JasperFx.Events;
using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Proposing;
using Matching.Service.Referrals.SubmittingIntake;
using Matching.Service.Referrals.Triaging;
using Matching.Service.Shared;
using Matching.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Wolverine;
using static Matching.Tests.Web.PageSteps;

namespace Matching.Tests.Web;

/// <summary>
/// The clinician's pages: the proposal card (coordinator's note, de-identified until accepted, the acceptance date
/// instead of a deadline), and their own availability, capacity and pause, by mouse, by keyboard and at phone width.
/// </summary>
[Collection(PagesCollection.Name)]
public class ClinicianPageTests(BrowserFixture app)
{
    private const string Note = "Marisol would like evening telehealth; trauma focus, EMDR welcome.";

    [Fact]
    public async Task a_pending_card_shows_the_coordinators_note_and_nothing_that_identifies_the_client()
    {
        var clinician = await ClinicianSteps.OnboardAsync(app, "Noa Pending");
        var proposal = await ClinicianSteps.ProposeAsync(app, clinician.Id, Note);
        await using var user = await WebSession.OpenAsync(app);
        await user.SignInAsync(Roles.Clinician, clinician.Name);

        var card = ClinicianSteps.Card(user.Page, proposal);
        (await card.Locator(".coordinator-note").TextContentAsync())!.ShouldBe("[client] would like evening telehealth; trauma focus, EMDR welcome.");
        var text = (await card.TextContentAsync())!;
        text.ShouldContain("Answer by");
        foreach (var personal in new[] { "Marisol", "Quenby", "marisol.quenby@example.org", "555 0100", "1990", "W123", "Prefers evenings", "82001" })
            text.ShouldNotContain(personal, Case.Insensitive);

        await user.CheckAtBothWidthsAsync("clinician-pending-proposal");
        user.ConsoleErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task after_accepting_the_card_says_when_shows_the_contact_details_and_no_deadline()
    {
        var clinician = await ClinicianSteps.OnboardAsync(app, "Noa Accepting");
        var proposal = await ClinicianSteps.ProposeAsync(app, clinician.Id, Note);
        await using var user = await WebSession.OpenAsync(app);
        await user.SignInAsync(Roles.Clinician, clinician.Name);

        await ClinicianSteps.Card(user.Page, proposal).Locator("button:text-is('Accept')").ClickAsync();
        await ExpectFlashAsync(user.Page, "Accepted.");

        var card = ClinicianSteps.Card(user.Page, proposal);
        var text = (await card.TextContentAsync())!;
        text.ShouldNotContain("Answer by");
        var answeredAt = (await ClinicianSteps.ProposalAsync(app, proposal)).AnsweredAt!.Value;
        (await card.Locator("dt:text-is('Accepted') + dd").TextContentAsync())!.ShouldBe(ClinicianSteps.Day(answeredAt));
        (await card.Locator(".client").TextContentAsync())!.ShouldContain("Marisol Quenby");
        (await card.Locator("a[href='mailto:marisol.quenby@example.org']").CountAsync()).ShouldBe(1);
        (await card.Locator("a[href='tel:+17205550100']").CountAsync()).ShouldBe(1);
        // Once accepted, the note reads as the coordinator wrote it.
        (await card.Locator(".coordinator-note").TextContentAsync())!.ShouldBe(Note);

        await user.CheckAtBothWidthsAsync("clinician-accepted-proposal");
        user.ConsoleErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_clinician_sets_their_own_availability_capacity_and_pause_and_the_events_name_them()
    {
        var clinician = await ClinicianSteps.OnboardAsync(app, "Noa Settings");
        await using var user = await WebSession.OpenAsync(app);
        var page = user.Page;
        await user.SignInAsync(Roles.Clinician, clinician.Name);
        await page.ClickAsync("a:text('My availability, capacity and pause')");
        await page.WaitForURLAsync("**/clinician/availability");
        await user.CheckAtBothWidthsAsync("clinician-availability");

        // The Monday window moves to Tuesday afternoon and a Thursday morning is added.
        await page.SelectOptionAsync("#window-0-day", "Tuesday");
        await page.FillAsync("#window-0-from", "13:00");
        await page.FillAsync("#window-0-to", "18:30");
        await page.SelectOptionAsync("#window-1-day", "Thursday");
        await page.FillAsync("#window-1-from", "08:00");
        await page.FillAsync("#window-1-to", "11:00");
        await page.ClickAsync("button:text-is('Save availability')");
        await ExpectFlashAsync(page, "Availability saved.");
        (await page.InputValueAsync("#window-1-to")).ShouldBe("11:00");

        // A window that runs backwards is refused next to its row, and what was typed stays.
        await page.FillAsync("#window-2-from", "17:00");
        await page.FillAsync("#window-2-to", "09:00");
        await page.SelectOptionAsync("#window-2-day", "Friday");
        await page.ClickAsync("button:text-is('Save availability')");
        (await page.TextContentAsync("#error-availability-2"))!.ShouldContain("from before to");
        (await page.InputValueAsync("#window-2-from")).ShouldBe("17:00");
        await user.CheckAtBothWidthsAsync("clinician-availability-refused");

        await page.GotoAsync("/clinician/availability");
        await page.FillAsync("#caseload", "12");
        await page.FillAsync("#weekly", "1");
        await page.ClickAsync("button:text-is('Save capacity')");
        await ExpectFlashAsync(page, "Capacity saved.");

        await page.FillAsync("#pause-reason", "Parental leave");
        await page.ClickAsync("button:text-is('Pause new proposals')");
        await ExpectFlashAsync(page, "Paused");
        (await page.TextContentAsync("#open-status"))!.ShouldContain("Paused");

        var state = await ClinicianSteps.LoadAsync(app, clinician.Id);
        state.Availability.ShouldBe([new AvailabilityWindow(WeekDay.Tuesday, "13:00", "18:30"), new AvailabilityWindow(WeekDay.Thursday, "08:00", "11:00")]);
        (state.CaseloadLimit, state.WeeklyNewClientLimit, state.AcceptingNewClients, state.Paused).ShouldBe((12, 1, true, true));

        var changes = (await ClinicianSteps.EventsAsync(app, clinician.Id)).Skip(1).ToList();
        changes.Select(e => e.Data.GetType()).ShouldBe([typeof(ClinicianAvailabilityChanged), typeof(ClinicianCapacityChanged), typeof(ClinicianPaused)]);
        foreach (var e in changes)
            Actor.FromHeaders(e.Headers, e.UserName).ShouldBe(new Actor($"clinician-{clinician.Id:N}", clinician.Name, Roles.Clinician));
        changes[2].Data.ShouldBe(new ClinicianPaused("Parental leave"));

        await page.ClickAsync("button:text-is('Resume proposals')");
        await ExpectFlashAsync(page, "Resumed");
        (await ClinicianSteps.LoadAsync(app, clinician.Id)).Paused.ShouldBeFalse();
        user.ConsoleErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task by_keyboard_alone_a_clinician_accepts_a_proposal_and_then_sets_their_availability()
    {
        var clinician = await ClinicianSteps.OnboardAsync(app, "Noa Keyboard");
        var proposal = await ClinicianSteps.ProposeAsync(app, clinician.Id, Note);
        await using var user = await WebSession.OpenAsync(app);
        var page = user.Page;
        var keys = page.Keyboard;
        await user.SignInAsync(Roles.Clinician, clinician.Name);
        await page.GotoAsync("/clinician");

        await TabToAsync(page, $"article[aria-labelledby='p-{proposal}'] form[action*='handler=Accept'] button");
        await keys.PressAsync("Enter");
        await ExpectFlashAsync(page, "Accepted.");

        await TabToAsync(page, "a[href='/clinician/availability']");
        await keys.PressAsync("Enter");
        await page.WaitForURLAsync("**/clinician/availability");

        // The first empty row: Wednesday 10:00–14:00, typed into the day list and the time fields.
        await TabToAsync(page, "#window-1-day");
        await keys.TypeAsync("Wed");
        // Tab moves through a time field's hour, minute and AM/PM parts first; typing fills them in turn.
        await TabToAsync(page, "#window-1-from");
        await keys.TypeAsync("1000AM");
        await TabToAsync(page, "#window-1-to");
        await keys.TypeAsync("0200PM");
        await TabToAsync(page, "#availability-form button[type=submit]");
        await keys.PressAsync("Space");
        await ExpectFlashAsync(page, "Availability saved.");

        (await ClinicianSteps.LoadAsync(app, clinician.Id)).Availability.ShouldContain(new AvailabilityWindow(WeekDay.Wednesday, "10:00", "14:00"));
        user.ConsoleErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task at_390_px_the_clinicians_pages_fit_the_screen()
    {
        var clinician = await ClinicianSteps.OnboardAsync(app, "Noa Phone");
        var accepted = await ClinicianSteps.ProposeAsync(app, clinician.Id, Note);
        await using var user = await WebSession.OpenAsync(app, width: 390);
        var page = user.Page;
        await user.SignInAsync(Roles.Clinician, clinician.Name);
        await ClinicianSteps.Card(page, accepted).Locator("button:text-is('Accept')").ClickAsync();
        await ExpectFlashAsync(page, "Accepted.");
        await ClinicianSteps.ProposeAsync(app, clinician.Id, "A second client who asked for weekday mornings.");

        foreach (var path in new[] { "/clinician", "/clinician/availability" })
        {
            await page.GotoAsync(path);
            (await page.EvaluateAsync<int>("document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(390, path);
        }
        user.ConsoleErrors.ShouldBeEmpty();
    }
}

/// <summary>Clinicians and proposals made straight through the command handlers, so each test owns its own.</summary>
public static class ClinicianSteps
{
    private static readonly TimeZoneInfo Practice = TimeZoneInfo.FindSystemTimeZoneById("America/Denver");

    public static async Task<(Guid Id, string Name)> OnboardAsync(BrowserFixture app, string name)
    {
        var unique = $"{name} {Guid.NewGuid().ToString("N")[..6]}";
        // Licensed in Wyoming alone, with this class's clients there, so other page tests' Colorado intakes never match them.
        var onboarded = await AskAsync(app, Samples.Clinician(unique) with
        {
            LicensedStates = ["WY"], OfficeStates = [], Formats = [SessionFormat.Telehealth]
        });
        return (onboarded.ClinicianId, unique);
    }

    /// <summary>A new referral from Marisol Quenby, triaged and proposed to the clinician with the coordinator's note.</summary>
    public static async Task<Guid> ProposeAsync(BrowserFixture app, Guid clinicianId, string note)
    {
        var intake = Samples.Intake() with
        {
            Client = new ClientDetails("Marisol", "Quenby", "marisol.quenby@example.org", "+1 720 555 0100", new DateOnly(1990, 4, 2), "WY", "82001", null)
        };
        var submitted = await AskAsync(app, new SubmitIntake(intake, null));
        await AskAsync(app, new TriageReferral(TriagePriority.Routine, null, null) { ReferralId = submitted.ReferralId });
        var proposed = await AskAsync(app, new ProposeMatch(clinicianId, note, null, null) { ReferralId = submitted.ReferralId });
        return proposed.ProposalId;
    }

    public static ILocator Card(IPage page, Guid proposalId) => page.Locator($"article[aria-labelledby='p-{proposalId}']");

    public static string Day(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Practice).ToString("ddd d MMM", CultureInfo.InvariantCulture);

    public static async Task<Clinician> LoadAsync(BrowserFixture app, Guid clinicianId)
    {
        await using var session = app.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.LoadAsync<Clinician>(clinicianId))!;
    }

    public static async Task<Proposal> ProposalAsync(BrowserFixture app, Guid proposalId)
    {
        await using var session = app.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var referral = await session.Query<Referral>().SingleAsync(r => r.Proposals.Any(p => p.Id == proposalId));
        return referral.Proposals.Single(p => p.Id == proposalId);
    }

    public static async Task<IReadOnlyList<IEvent>> EventsAsync(BrowserFixture app, Guid clinicianId)
    {
        await using var session = app.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return await session.Events.FetchStreamAsync(clinicianId);
    }

    private static async Task<TResult> AskAsync<TResult>(BrowserFixture app, ICommand<TResult> command) where TResult : class, IAnswer
    {
        using var scope = app.Services.CreateScope();
        var answer = await scope.ServiceProvider.GetRequiredService<IMessageBus>().AskAsync(command, CancellationToken.None);
        answer.Problem.ShouldBeNull($"{command.GetType().Name}: {answer.Problem?.Title} {answer.Problem?.Detail} "
                                    + string.Join("; ", (answer.Problem as HttpValidationProblemDetails)?.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}") ?? []));
        return answer.Result!;
    }
}
