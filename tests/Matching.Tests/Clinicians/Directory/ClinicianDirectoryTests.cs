using System.Net;
using Matching.Service.Shared;
using Matching.Tests.Support;

namespace Matching.Tests.Clinicians.Directory;

/// <summary>The service with five clinicians the filter tests pick from.</summary>
public class DirectoryFixture : AppFixture, IAsyncLifetime
{
    public Guid Grace, Omar, Lena, Paul, Rita;

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        // Grace: trauma/grief in CO+WY, accepting. Omar: anxiety in UT, accepting.
        // Lena: trauma in UT, not accepting. Paul: trauma in CO, paused. Rita: trauma in CO, offboarded.
        Grace = await Host.Onboard();
        Omar = await Host.Onboard(Samples.Clinician("Omar Haddad") with
        {
            LicensedStates = ["UT"], OfficeStates = ["UT"], Specialties = [Concern.Anxiety]
        });
        Lena = await Host.Onboard(Samples.Clinician("Lena Park") with
        {
            LicensedStates = ["UT"], OfficeStates = ["UT"], Specialties = [Concern.Trauma], AcceptingNewClients = false
        });
        Paul = await Host.Onboard(Samples.Clinician("Paul Reyes") with { LicensedStates = ["CO"], Specialties = [Concern.Trauma] });
        (await Host.Post($"/api/clinicians/{Paul}/pause", new { reason = "Leave" }, Tokens.Admin)).Status.ShouldBe(HttpStatusCode.OK);
        Rita = await Host.Onboard(Samples.Clinician("Rita Alvarez") with { LicensedStates = ["CO"], Specialties = [Concern.Trauma] });
        (await Host.Post($"/api/clinicians/{Rita}/offboard", new { reason = "Retired" }, Tokens.Admin)).Status.ShouldBe(HttpStatusCode.OK);
    }
}

public class ClinicianDirectoryTests(DirectoryFixture app) : IClassFixture<DirectoryFixture>
{
    private async Task<IReadOnlyList<Guid>> List(string query, string? token = null)
    {
        var (status, body) = await app.Host.Get($"/api/clinicians{query}", token ?? Tokens.Coordinator);
        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        return body!["items"]!.AsArray().Select(i => i!["clinicianId"]!.GetValue<Guid>()).ToList();
    }

    [Fact]
    public async Task the_list_is_ordered_by_name_and_leaves_out_offboarded_clinicians() =>
        (await List("")).ShouldBe([app.Grace, app.Lena, app.Omar, app.Paul]);

    [Fact]
    public async Task offboarded_clinicians_are_listed_when_asked_for() =>
        (await List("?includeOffboarded=true")).ShouldBe([app.Grace, app.Lena, app.Omar, app.Paul, app.Rita]);

    [Fact]
    public async Task specialty_filters_by_the_vocabulary() =>
        (await List("?specialty=trauma")).ShouldBe([app.Grace, app.Lena, app.Paul]);

    [Fact]
    public async Task state_matches_licensed_states() =>
        (await List("?state=WY")).ShouldBe([app.Grace]);

    [Fact]
    public async Task accepting_means_accepting_and_not_paused_or_offboarded()
    {
        (await List("?accepting=true")).ShouldBe([app.Grace, app.Omar]);
        (await List("?accepting=false")).ShouldBe([app.Lena, app.Paul]);
    }

    [Fact]
    public async Task filters_combine() =>
        (await List("?specialty=trauma&state=UT")).ShouldBe([app.Lena]);

    [Fact]
    public async Task filters_combine_with_accepting() =>
        (await List("?specialty=trauma&state=CO&accepting=true")).ShouldBe([app.Grace]);

    [Fact]
    public async Task an_admin_reads_the_directory_too() =>
        (await List("?state=UT", Tokens.Admin)).ShouldBe([app.Lena, app.Omar]);

    [Theory]
    [InlineData("?specialty=astrology", "specialty")]
    [InlineData("?state=Colorado", "state")]
    [InlineData("?accepting=maybe", "accepting")]
    [InlineData("?includeOffboarded=yes", "includeOffboarded")]
    public async Task an_unknown_filter_value_is_a_400(string query, string field)
    {
        var (status, problem) = await app.Host.Get($"/api/clinicians{query}", Tokens.Coordinator);
        status.ShouldBe(HttpStatusCode.BadRequest);
        problem.ErrorKeys().ShouldBe([field]);
    }

    [Fact]
    public async Task an_unknown_clinician_is_a_404()
    {
        var (status, _) = await app.Host.Get($"/api/clinicians/{Guid.NewGuid()}", Tokens.Coordinator);
        status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task the_details_of_an_offboarded_clinician_stay_readable() =>
        (await app.Host.Clinician(app.Rita))["offboarded"]!.GetValue<bool>().ShouldBeTrue();

    [Fact]
    public async Task reading_needs_a_coordinator_or_an_admin()
    {
        (await app.Host.Get("/api/clinicians")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await app.Host.Get($"/api/clinicians/{app.Grace}")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await app.Host.Get("/api/clinicians", Tokens.Clinician(app.Grace))).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await app.Host.Get($"/api/clinicians/{app.Grace}", Tokens.Clinician(app.Grace))).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await app.Host.Get("/api/clinicians", Tokens.Analyst)).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await app.Host.Get($"/api/clinicians/{app.Grace}", Tokens.Compliance)).Status.ShouldBe(HttpStatusCode.Forbidden);
    }
}
