using System.Net;
using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Clinicians.Offboarding;
using Matching.Tests.Support;

namespace Matching.Tests.Clinicians.Offboarding;

public class OffboardClinicianTests
{
    private static readonly OffboardClinicianValidator Validator = new();

    [Fact]
    public void offboarding_records_the_reason_and_stops_new_clients()
    {
        var clinician = ClinicianScenario.Onboarded();
        var command = new OffboardClinician("Moved out of state", null);

        OffboardClinicianHandler.Validate(command, clinician, Validator).ShouldPass();
        var offboarded = OffboardClinicianHandler.Decide(clinician, command).ShouldHaveSingleItem();
        offboarded.ShouldBe(new ClinicianOffboarded("Moved out of state"));
        var after = clinician.Then(offboarded);
        after.Offboarded.ShouldBeTrue();
        after.OpenToNewClients.ShouldBeFalse();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("  ")]
    public void a_reason_is_required(string? reason) =>
        OffboardClinicianHandler.Validate(new OffboardClinician(reason, null), ClinicianScenario.Onboarded(), Validator)
            .ShouldBeInvalid("reason");

    [Fact]
    public void a_clinician_is_offboarded_once() =>
        OffboardClinicianHandler.Validate(new OffboardClinician("again", null), ClinicianScenario.Offboarded(), Validator)
            .ShouldBeConflict("clinicianOffboarded");
}

public class OffboardClinicianHttpTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task an_offboarded_clinician_can_not_be_changed()
    {
        var id = await app.Host.Onboard();

        var (status, body) = await app.Host.Post($"/api/clinicians/{id}/offboard", new { reason = "Retired" }, Tokens.Admin);
        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        body!["version"]!.GetValue<int>().ShouldBe(2);

        var clinician = await app.Host.Clinician(id);
        clinician["offboarded"]!.GetValue<bool>().ShouldBeTrue();
        clinician["acceptingNewClients"]!.GetValue<bool>().ShouldBeFalse();

        (await app.Host.Put($"/api/clinicians/{id}/capacity", new { caseloadLimit = 5, weeklyNewClientLimit = 1, acceptingNewClients = true }, Tokens.Admin))
            .Status.ShouldBe(HttpStatusCode.Conflict);
        (await app.Host.Put($"/api/clinicians/{id}/availability", new { availability = Array.Empty<object>() }, Tokens.Admin))
            .Status.ShouldBe(HttpStatusCode.Conflict);
        (await app.Host.Put($"/api/clinicians/{id}/profile", Profile.UpdateClinicianProfileTests.Update(), Tokens.Admin))
            .Status.ShouldBe(HttpStatusCode.Conflict);
        (await app.Host.Post($"/api/clinicians/{id}/pause", new { }, Tokens.Admin)).Status.ShouldBe(HttpStatusCode.Conflict);
        var (again, problem) = await app.Host.Post($"/api/clinicians/{id}/offboard", new { reason = "Twice" }, Tokens.Admin);
        again.ShouldBe(HttpStatusCode.Conflict);
        problem!["code"]!.GetValue<string>().ShouldBe("clinicianOffboarded");

        await using var session = app.Store.LightweightSession();
        var events = await session.Events.FetchStreamAsync(id);
        events.Count.ShouldBe(2);
        events[1].Data.ShouldBe(new ClinicianOffboarded("Retired"));
    }

    [Fact]
    public async Task offboarding_needs_a_reason()
    {
        var id = await app.Host.Onboard();
        var (status, problem) = await app.Host.Post($"/api/clinicians/{id}/offboard", new { }, Tokens.Admin);
        status.ShouldBe(HttpStatusCode.BadRequest);
        problem.ErrorKeys().ShouldBe(["reason"]);
    }
}
