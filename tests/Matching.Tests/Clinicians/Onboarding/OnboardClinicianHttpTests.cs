using System.Net;
using Marten;
using Matching.Service.Clinicians;
using Matching.Tests.Support;

namespace Matching.Tests.Clinicians.Onboarding;

public class OnboardClinicianHttpTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task onboarding_answers_201_and_the_directory_shows_the_clinician()
    {
        var (status, body) = await app.Host.Post("/api/clinicians", Samples.Clinician(), Tokens.Admin);

        status.ShouldBe(HttpStatusCode.Created, body?.ToJsonString());
        body!["version"]!.GetValue<int>().ShouldBe(1);
        var id = body["clinicianId"]!.GetValue<Guid>();

        var clinician = await app.Host.Clinician(id);
        clinician["clinicianId"]!.GetValue<Guid>().ShouldBe(id);
        clinician["name"]!.GetValue<string>().ShouldBe("Grace Kim");
        clinician["email"]!.GetValue<string>().ShouldBe("grace@practice.example");
        clinician["timeZone"]!.GetValue<string>().ShouldBe("America/Denver");
        clinician["licensedStates"].Strings().ShouldBe(["CO", "WY"]);
        clinician["formats"].Strings().ShouldBe(["inPerson", "telehealth"]);
        clinician["ageGroups"].Strings().ShouldBe(["adult", "olderAdult"]);
        clinician["specialties"].Strings().ShouldBe(["trauma", "grief"]);
        clinician["gender"]!.GetValue<string>().ShouldBe("female");
        clinician["selfPayRate"]!.GetValue<decimal>().ShouldBe(160);
        clinician["caseloadLimit"]!.GetValue<int>().ShouldBe(25);
        clinician["weeklyNewClientLimit"]!.GetValue<int>().ShouldBe(3);
        clinician["acceptingNewClients"]!.GetValue<bool>().ShouldBeTrue();
        clinician["availability"]![0]!["day"]!.GetValue<string>().ShouldBe("monday");
        clinician["paused"]!.GetValue<bool>().ShouldBeFalse();
        clinician["offboarded"]!.GetValue<bool>().ShouldBeFalse();
        clinician["activeClients"]!.GetValue<int>().ShouldBe(0);
        clinician["openProposals"]!.GetValue<int>().ShouldBe(0);
        clinician["remainingCapacity"]!.GetValue<int>().ShouldBe(25);
        clinician["newClientsLast7Days"]!.GetValue<int>().ShouldBe(0);
        clinician["version"]!.GetValue<int>().ShouldBe(1);

        await using var session = app.Store.LightweightSession();
        var events = await session.Events.FetchStreamAsync(id);
        events.ShouldHaveSingleItem().Data.ShouldBeOfType<ClinicianOnboarded>();
        events[0].Headers!["actor-sub"].ToString().ShouldBe("admin-1");
    }

    [Theory]
    [InlineData("""{ "name": "" }""", "name")]
    [InlineData("""{ "name": "Ann", "email": "ann@example.org", "timeZone": "Nowhere/Land", "licensedStates": ["CO"], "formats": ["telehealth"], "sessionTypes": ["individual"], "ageGroups": ["adult"], "specialties": ["grief"], "languages": ["English"], "caseloadLimit": 10, "weeklyNewClientLimit": 2 }""", "timeZone")]
    [InlineData("""{ "name": "Ann", "email": "ann@example.org", "timeZone": "America/Denver", "licensedStates": ["XX"], "formats": ["telehealth"], "sessionTypes": ["individual"], "ageGroups": ["adult"], "specialties": ["grief"], "languages": ["English"], "caseloadLimit": 10, "weeklyNewClientLimit": 2 }""", "licensedStates[0]")]
    [InlineData("""{ "name": "Ann", "email": "ann@example.org", "timeZone": "America/Denver", "licensedStates": ["CO"], "formats": ["inPerson"], "sessionTypes": ["individual"], "ageGroups": ["adult"], "specialties": ["grief"], "languages": ["English"], "caseloadLimit": 10, "weeklyNewClientLimit": 2 }""", "officeStates")]
    [InlineData("""{ "name": "Ann", "email": "ann@example.org", "timeZone": "America/Denver", "licensedStates": ["CO"], "formats": ["telehealth"], "sessionTypes": ["individual"], "ageGroups": ["adult"], "specialties": ["grief"], "languages": ["English"], "caseloadLimit": -1, "weeklyNewClientLimit": 2 }""", "caseloadLimit")]
    [InlineData("""{ "name": "Ann", "email": "ann@example.org", "timeZone": "America/Denver", "licensedStates": ["CO"], "formats": ["telehealth"], "sessionTypes": ["individual"], "ageGroups": ["adult"], "specialties": ["grief"], "languages": ["English"], "caseloadLimit": 10, "weeklyNewClientLimit": 2, "availability": [ { "day": "monday", "from": "18:00", "to": "09:00" } ] }""", "availability[0]")]
    public async Task an_invalid_body_is_a_400_naming_the_field_and_creates_no_clinician(string body, string field)
    {
        var before = await CountClinicians();

        var (status, problem) = await app.Host.Post("/api/clinicians", body, Tokens.Admin);

        status.ShouldBe(HttpStatusCode.BadRequest, problem?.ToJsonString());
        problem.ErrorKeys().ShouldContain(field, problem?.ToJsonString());
        (await CountClinicians()).ShouldBe(before);
    }

    [Fact]
    public async Task an_unknown_specialty_is_a_400_not_a_500()
    {
        var (status, problem) = await app.Host.Post("/api/clinicians",
            """{ "name": "Ann", "specialties": ["astrology"] }""", Tokens.Admin);
        status.ShouldBe(HttpStatusCode.BadRequest, problem?.ToJsonString());
    }

    [Fact]
    public async Task onboarding_needs_an_admin()
    {
        (await app.Host.Post("/api/clinicians", Samples.Clinician())).Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await app.Host.Post("/api/clinicians", Samples.Clinician(), Tokens.Coordinator)).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await app.Host.Post("/api/clinicians", Samples.Clinician(), Tokens.Clinician(Guid.NewGuid()))).Status
            .ShouldBe(HttpStatusCode.Forbidden);
    }

    private async Task<int> CountClinicians()
    {
        await using var session = app.Store.QuerySession();
        return await session.Query<Clinician>().CountAsync();
    }
}
