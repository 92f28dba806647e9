using System.Net;
using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Infrastructure;
using Matching.Tests.Support;

namespace Matching.Tests.Clinicians.SelfService;

/// <summary>A clinician changes their own availability, capacity and pause over the API; never another clinician's.</summary>
public class ClinicianSelfServiceHttpTests(AppFixture app) : IClassFixture<AppFixture>
{
    private static readonly object Week = new { availability = new[] { new { day = "tuesday", from = "08:00", to = "12:30" } } };
    private static readonly object Limits = new { caseloadLimit = 18, weeklyNewClientLimit = 2, acceptingNewClients = true };

    public static TheoryData<string, string> Commands => new()
    {
        { "PUT", "availability" },
        { "PUT", "capacity" },
        { "POST", "pause" }
    };

    private static object Body(string command) => command switch
    {
        "availability" => Week,
        "capacity" => Limits,
        _ => new { reason = "Conference week." }
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task a_clinician_changes_their_own_record_and_the_event_names_them(string method, string command)
    {
        var id = await app.Host.Onboard();
        var token = Tokens.Clinician(id, $"clinician-{id:N}");

        var (status, body) = await app.Host.Send(new HttpMethod(method), $"/api/clinicians/{id}/{command}", Body(command), token);

        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        var last = await LastEvent(id);
        Actor.FromHeaders(last.Headers, last.UserName).ShouldBe(new Actor($"clinician-{id:N}", $"Test clinician-{id:N}", Roles.Clinician));
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task a_clinician_naming_another_clinician_gets_403_and_nothing_is_appended(string method, string command)
    {
        var mine = await app.Host.Onboard();
        var theirs = await app.Host.Onboard(Samples.Clinician("Rafael Castillo"));

        var (status, _) = await app.Host.Send(new HttpMethod(method), $"/api/clinicians/{theirs}/{command}", Body(command), Tokens.Clinician(mine));

        status.ShouldBe(HttpStatusCode.Forbidden);
        (await LastEvent(theirs)).Data.ShouldBeOfType<ClinicianOnboarded>();
    }

    [Fact]
    public async Task a_clinician_resumes_themselves_after_a_pause()
    {
        var id = await app.Host.Onboard();
        var token = Tokens.Clinician(id);
        (await app.Host.Post($"/api/clinicians/{id}/pause", new { }, token)).Status.ShouldBe(HttpStatusCode.OK);

        var (status, body) = await app.Host.Post($"/api/clinicians/{id}/resume", new { }, token);

        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        (await app.Host.Clinician(id))["paused"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Fact]
    public async Task an_admin_still_changes_any_clinician()
    {
        var id = await app.Host.Onboard();

        var (status, body) = await app.Host.Put($"/api/clinicians/{id}/capacity", Limits, Tokens.Admin);

        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        (await LastEvent(id)).Data.ShouldBe(new ClinicianCapacityChanged(18, 2, true));
    }

    [Fact]
    public async Task offboarding_and_the_profile_stay_admin_only()
    {
        var id = await app.Host.Onboard();

        (await app.Host.Post($"/api/clinicians/{id}/offboard", new { reason = "Leaving." }, Tokens.Clinician(id))).Status
            .ShouldBe(HttpStatusCode.Forbidden);
        (await app.Host.Put($"/api/clinicians/{id}/profile", Samples.Clinician(), Tokens.Clinician(id))).Status
            .ShouldBe(HttpStatusCode.Forbidden);
    }

    private async Task<JasperFx.Events.IEvent> LastEvent(Guid clinicianId)
    {
        await using var session = app.Store.QuerySession();
        return (await session.Events.FetchStreamAsync(clinicianId)).Last();
    }
}
