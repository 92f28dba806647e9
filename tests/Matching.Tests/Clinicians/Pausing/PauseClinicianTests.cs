using System.Net;
using Matching.Service.Clinicians;
using Matching.Service.Clinicians.Pausing;
using Matching.Tests.Support;

namespace Matching.Tests.Clinicians.Pausing;

public class PauseClinicianTests
{
    [Fact]
    public void a_paused_clinician_is_not_open_to_new_clients()
    {
        var clinician = ClinicianScenario.Onboarded();
        var command = new PauseClinician("Parental leave", null);

        PauseClinicianHandler.Validate(command, clinician, new PauseClinicianValidator()).ShouldPass();
        var paused = PauseClinicianHandler.Decide(clinician, command).ShouldHaveSingleItem();
        paused.ShouldBe(new ClinicianPaused("Parental leave"));
        var after = clinician.Then(paused);
        after.Paused.ShouldBeTrue();
        after.AcceptingNewClients.ShouldBeTrue();
        after.OpenToNewClients.ShouldBeFalse();
    }

    [Fact]
    public void a_paused_clinician_can_not_be_paused_again() =>
        PauseClinicianHandler.Validate(
                new PauseClinician(null, null),
                ClinicianScenario.Onboarded().Then(new ClinicianPaused(null)),
                new PauseClinicianValidator())
            .ShouldBeConflict("alreadyPaused");

    [Fact]
    public void resuming_reopens_the_clinician()
    {
        var clinician = ClinicianScenario.Onboarded().Then(new ClinicianPaused(null));
        var command = new ResumeClinician(null, 2);

        ResumeClinicianHandler.Validate(command, clinician, new ResumeClinicianValidator()).ShouldPass();
        var resumed = ResumeClinicianHandler.Decide(clinician, command).ShouldHaveSingleItem();
        resumed.ShouldBe(new ClinicianResumed(null));
        clinician.Then(resumed).OpenToNewClients.ShouldBeTrue();
    }

    [Fact]
    public void only_a_paused_clinician_can_resume() =>
        ResumeClinicianHandler.Validate(new ResumeClinician(null, null), ClinicianScenario.Onboarded(), new ResumeClinicianValidator())
            .ShouldBeConflict("notPaused");

    [Fact]
    public void an_offboarded_clinician_can_not_be_paused_or_resumed()
    {
        PauseClinicianHandler.Validate(new PauseClinician(null, null), ClinicianScenario.Offboarded(), new PauseClinicianValidator())
            .ShouldBeConflict("clinicianOffboarded");
        ResumeClinicianHandler.Validate(
                new ResumeClinician(null, null),
                ClinicianScenario.Onboarded().Then(new ClinicianPaused(null), new ClinicianOffboarded("left")),
                new ResumeClinicianValidator())
            .ShouldBeConflict("clinicianOffboarded");
    }

    [Fact]
    public void a_stale_expected_version_is_refused() =>
        PauseClinicianHandler.Validate(new PauseClinician(null, 3), ClinicianScenario.Onboarded(), new PauseClinicianValidator())
            .ShouldBeConflict("staleVersion");
}

public class PauseClinicianHttpTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task pausing_and_resuming_show_in_the_directory()
    {
        var id = await app.Host.Onboard();

        var (paused, body) = await app.Host.Post($"/api/clinicians/{id}/pause", new { reason = "Leave" }, Tokens.Admin);
        paused.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        var clinician = await app.Host.Clinician(id);
        clinician["paused"]!.GetValue<bool>().ShouldBeTrue();
        clinician["openToNewClients"]!.GetValue<bool>().ShouldBeFalse();

        (await app.Host.Post($"/api/clinicians/{id}/pause", new { }, Tokens.Admin)).Status.ShouldBe(HttpStatusCode.Conflict);

        var (resumed, result) = await app.Host.Post($"/api/clinicians/{id}/resume", new { expectedVersion = 2 }, Tokens.Admin);
        resumed.ShouldBe(HttpStatusCode.OK, result?.ToJsonString());
        result!["version"]!.GetValue<int>().ShouldBe(3);
        (await app.Host.Clinician(id))["paused"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Fact]
    public async Task a_coordinator_can_not_pause_a_clinician()
    {
        var id = await app.Host.Onboard();
        (await app.Host.Post($"/api/clinicians/{id}/pause", new { }, Tokens.Coordinator)).Status.ShouldBe(HttpStatusCode.Forbidden);
    }
}
