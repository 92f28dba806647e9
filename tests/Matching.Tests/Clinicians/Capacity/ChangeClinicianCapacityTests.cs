using System.Net;
using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Clinicians.Capacity;
using Matching.Tests.Support;

namespace Matching.Tests.Clinicians.Capacity;

public class ChangeClinicianCapacityTests
{
    private static readonly ChangeClinicianCapacityValidator Validator = new();

    [Fact]
    public void capacity_changes_are_recorded()
    {
        var clinician = ClinicianScenario.Onboarded();
        var command = new ChangeClinicianCapacity(30, 4, false, 1);

        ChangeClinicianCapacityHandler.Validate(command, clinician, Validator).ShouldPass();
        ChangeClinicianCapacityHandler.Decide(clinician, command).ShouldHaveSingleItem()
            .ShouldBe(new ClinicianCapacityChanged(30, 4, false));
    }

    [Fact]
    public void leaving_out_accepting_is_a_400_not_a_default() =>
        ChangeClinicianCapacityHandler.Validate(new ChangeClinicianCapacity(10, 1, null, null), ClinicianScenario.Onboarded(), Validator)
            .ShouldBeInvalid("acceptingNewClients");

    [Theory]
    [InlineData(-1, 3, "caseloadLimit")]
    [InlineData(null, 3, "caseloadLimit")]
    [InlineData(25, -1, "weeklyNewClientLimit")]
    [InlineData(25, null, "weeklyNewClientLimit")]
    public void limits_must_be_zero_or_more(int? caseload, int? weekly, string field) =>
        ChangeClinicianCapacityHandler.Validate(
                new ChangeClinicianCapacity(caseload, weekly, true, null), ClinicianScenario.Onboarded(), Validator)
            .ShouldBeInvalid(field);

    [Fact]
    public void an_offboarded_clinician_has_no_capacity_to_change() =>
        ChangeClinicianCapacityHandler.Validate(new ChangeClinicianCapacity(10, 1, true, null), ClinicianScenario.Offboarded(), Validator)
            .ShouldBeConflict("clinicianOffboarded");

    [Fact]
    public void a_stale_expected_version_is_refused() =>
        ChangeClinicianCapacityHandler.Validate(new ChangeClinicianCapacity(10, 1, true, 5), ClinicianScenario.Onboarded(), Validator)
            .ShouldBeConflict("staleVersion");
}

public class ChangeClinicianCapacityHttpTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task changed_capacity_shows_in_the_directory()
    {
        var id = await app.Host.Onboard();

        var (status, body) = await app.Host.Put($"/api/clinicians/{id}/capacity",
            new { caseloadLimit = 12, weeklyNewClientLimit = 1, acceptingNewClients = false }, Tokens.Admin);

        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        body!["version"]!.GetValue<int>().ShouldBe(2);
        var clinician = await app.Host.Clinician(id);
        clinician["caseloadLimit"]!.GetValue<int>().ShouldBe(12);
        clinician["weeklyNewClientLimit"]!.GetValue<int>().ShouldBe(1);
        clinician["acceptingNewClients"]!.GetValue<bool>().ShouldBeFalse();
        clinician["remainingCapacity"]!.GetValue<int>().ShouldBe(12);

        await using var session = app.Store.LightweightSession();
        (await session.Events.FetchStreamAsync(id)).Last().Data.ShouldBe(new ClinicianCapacityChanged(12, 1, false));
    }

    [Fact]
    public async Task a_stale_expected_version_is_a_409_and_appends_nothing()
    {
        var id = await app.Host.Onboard();
        var body = new { caseloadLimit = 20, weeklyNewClientLimit = 2, acceptingNewClients = true, expectedVersion = 1 };

        (await app.Host.Put($"/api/clinicians/{id}/capacity", body, Tokens.Admin)).Status.ShouldBe(HttpStatusCode.OK);
        var (status, problem) = await app.Host.Put($"/api/clinicians/{id}/capacity", body, Tokens.Admin);

        status.ShouldBe(HttpStatusCode.Conflict, problem?.ToJsonString());
        problem!["code"]!.GetValue<string>().ShouldBe("staleVersion");
        (await app.Host.Clinician(id))["version"]!.GetValue<int>().ShouldBe(2);
    }

    [Fact]
    public async Task a_negative_limit_is_a_400()
    {
        var id = await app.Host.Onboard();
        var (status, problem) = await app.Host.Put($"/api/clinicians/{id}/capacity",
            new { caseloadLimit = -3, weeklyNewClientLimit = 2, acceptingNewClients = true }, Tokens.Admin);
        status.ShouldBe(HttpStatusCode.BadRequest);
        problem.ErrorKeys().ShouldBe(["caseloadLimit"]);
    }
}
