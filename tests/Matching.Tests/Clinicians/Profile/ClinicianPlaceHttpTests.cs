using System.Net;
using Marten;
using Matching.Service.Clinicians;
using Matching.Tests.Support;

namespace Matching.Tests.Clinicians.Profile;

/// <summary>The office address and video room link: optional, kept with the profile, the link a web address.</summary>
public class ClinicianPlaceHttpTests(AppFixture app) : IClassFixture<AppFixture>
{
    private const string Address = "1550 Larimer St, Suite 400, Denver, CO 80202";
    private const string Video = "https://video.example.org/grace-kim";

    [Fact]
    public async Task onboarding_and_profile_updates_keep_the_office_address_and_the_video_room()
    {
        var (status, body) = await app.Host.Post("/api/clinicians", Samples.Clinician() with { OfficeAddress = $"  {Address} ", TelehealthLink = Video }, Tokens.Admin);
        status.ShouldBe(HttpStatusCode.Created, body?.ToJsonString());
        var id = body!["clinicianId"]!.GetValue<Guid>();

        var view = await app.Host.Clinician(id);
        view["officeAddress"]!.GetValue<string>().ShouldBe(Address);
        view["telehealthLink"]!.GetValue<string>().ShouldBe(Video);
        await using (var session = app.Store.QuerySession())
        {
            var onboarded = (ClinicianOnboarded)(await session.Events.FetchStreamAsync(id))[0].Data;
            (onboarded.Profile.OfficeAddress, onboarded.Profile.TelehealthLink).ShouldBe((Address, Video));
        }

        // The profile is replaced whole: a new link given, the address left out and so cleared.
        var update = Samples.Clinician();
        var (updated, result) = await app.Host.Put($"/api/clinicians/{id}/profile", new
        {
            update.Name, update.Email, update.TimeZone, update.LicensedStates, update.OfficeStates, update.Formats, update.SessionTypes,
            update.AgeGroups, update.Specialties, update.Languages, telehealthLink = "https://video.example.org/grace-kim-2"
        }, Tokens.Admin);
        updated.ShouldBe(HttpStatusCode.OK, result?.ToJsonString());
        view = await app.Host.Clinician(id);
        view["officeAddress"].ShouldBeNull();
        view["telehealthLink"]!.GetValue<string>().ShouldBe("https://video.example.org/grace-kim-2");
    }

    [Theory]
    [InlineData("video.example.org/grace")]
    [InlineData("ftp://video.example.org/grace")]
    [InlineData("javascript:alert(1)")]
    [InlineData("https://")]
    public async Task a_video_room_that_is_not_a_web_address_is_a_400_and_onboards_nobody(string link)
    {
        var name = $"Grace {Guid.NewGuid():N}";
        var (status, problem) = await app.Host.Post("/api/clinicians", Samples.Clinician(name) with { TelehealthLink = link }, Tokens.Admin);

        status.ShouldBe(HttpStatusCode.BadRequest, problem?.ToJsonString());
        problem!["errors"]!["telehealthLink"].ShouldNotBeNull();
        await using var session = app.Store.QuerySession();
        (await session.Query<Clinician>().Where(c => c.Profile.Name == name).CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task an_office_address_over_300_characters_is_a_400()
    {
        var (status, problem) = await app.Host.Post("/api/clinicians", Samples.Clinician() with { OfficeAddress = new string('a', 301) }, Tokens.Admin);

        status.ShouldBe(HttpStatusCode.BadRequest, problem?.ToJsonString());
        problem!["errors"]!["officeAddress"].ShouldNotBeNull();
    }
}
