using System.Net;
using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Clinicians.Profile;
using Matching.Service.Shared;
using Matching.Tests.Support;

namespace Matching.Tests.Clinicians.Profile;

public class UpdateClinicianProfileTests
{
    private static readonly UpdateClinicianProfileValidator Validator = new();

    public static UpdateClinicianProfile Update(int? expectedVersion = null)
    {
        var s = Samples.Clinician();
        return new UpdateClinicianProfile(s.Name, s.Credentials, s.Email, s.TimeZone, s.LicensedStates, s.OfficeStates,
            s.Formats, s.SessionTypes, s.AgeGroups, s.Specialties, s.Modalities, s.Languages, s.Payers, s.SelfPayRate,
            s.SlidingScaleMin, s.Gender, s.LgbtqAffirming, s.BipocAffirming, s.OffersKetamineAssistedTherapy, expectedVersion);
    }

    [Fact]
    public void an_update_replaces_the_profile()
    {
        var clinician = ClinicianScenario.Onboarded();
        var command = Update() with { Specialties = [Concern.Anxiety], LicensedStates = ["CO", "UT"] };

        UpdateClinicianProfileHandler.Validate(command, clinician, Validator).ShouldPass();
        var updated = UpdateClinicianProfileHandler.Decide(clinician, command).ShouldHaveSingleItem()
            .ShouldBeOfType<ClinicianProfileUpdated>();
        updated.Profile.Specialties.ShouldBe([Concern.Anxiety]);
        updated.Profile.LicensedStates.ShouldBe(["CO", "UT"]);
    }

    [Fact]
    public void the_profile_rules_of_onboarding_apply() =>
        UpdateClinicianProfileHandler.Validate(Update() with { OfficeStates = [] }, ClinicianScenario.Onboarded(), Validator)
            .ShouldBeInvalid("officeStates");

    [Fact]
    public void an_offboarded_clinician_can_not_be_updated() =>
        UpdateClinicianProfileHandler.Validate(Update(), ClinicianScenario.Offboarded(), Validator).ShouldBeConflict("clinicianOffboarded");

    [Fact]
    public void a_stale_expected_version_is_refused() =>
        UpdateClinicianProfileHandler.Validate(Update(expectedVersion: 0), ClinicianScenario.Onboarded(), Validator)
            .ShouldBeConflict("staleVersion");

    [Fact]
    public void invalid_input_is_reported_before_a_stale_version() =>
        UpdateClinicianProfileHandler.Validate(Update(expectedVersion: 0) with { Name = "" }, ClinicianScenario.Onboarded(), Validator)
            .ShouldBeInvalid("name");
}

public class UpdateClinicianProfileHttpTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task an_updated_profile_shows_in_the_directory()
    {
        var id = await app.Host.Onboard();
        var command = UpdateClinicianProfileTests.Update(expectedVersion: 1) with
        {
            Name = "Grace Kim-Lopez", Specialties = [Concern.Anxiety, Concern.Trauma], Formats = [SessionFormat.Telehealth]
        };

        var (status, body) = await app.Host.Put($"/api/clinicians/{id}/profile", command, Tokens.Admin);

        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        body!["clinicianId"]!.GetValue<Guid>().ShouldBe(id);
        body["version"]!.GetValue<int>().ShouldBe(2);
        var clinician = await app.Host.Clinician(id);
        clinician["name"]!.GetValue<string>().ShouldBe("Grace Kim-Lopez");
        clinician["specialties"].Strings().ShouldBe(["anxiety", "trauma"]);
        clinician["formats"].Strings().ShouldBe(["telehealth"]);
        clinician["caseloadLimit"]!.GetValue<int>().ShouldBe(25);
        clinician["version"]!.GetValue<int>().ShouldBe(2);

        await using var session = app.Store.LightweightSession();
        (await session.Events.FetchStreamAsync(id)).Last().Data.ShouldBeOfType<ClinicianProfileUpdated>();
    }

    [Fact]
    public async Task an_invalid_profile_is_a_400_and_appends_nothing()
    {
        var id = await app.Host.Onboard();

        var (status, problem) = await app.Host.Put($"/api/clinicians/{id}/profile",
            UpdateClinicianProfileTests.Update() with { Email = "nope" }, Tokens.Admin);

        status.ShouldBe(HttpStatusCode.BadRequest);
        problem.ErrorKeys().ShouldContain("email");
        (await app.Host.Clinician(id))["version"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public async Task an_unknown_clinician_is_a_404()
    {
        var (status, _) = await app.Host.Put($"/api/clinicians/{Guid.NewGuid()}/profile", UpdateClinicianProfileTests.Update(), Tokens.Admin);
        status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task a_coordinator_can_not_change_a_profile()
    {
        var id = await app.Host.Onboard();
        (await app.Host.Put($"/api/clinicians/{id}/profile", UpdateClinicianProfileTests.Update(), Tokens.Coordinator))
            .Status.ShouldBe(HttpStatusCode.Forbidden);
        (await app.Host.Put($"/api/clinicians/{id}/profile", UpdateClinicianProfileTests.Update()))
            .Status.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
