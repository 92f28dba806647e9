using System.Net;
using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Clinicians.Availability;
using Matching.Service.Shared;
using Matching.Tests.Support;

namespace Matching.Tests.Clinicians.Availability;

public class ChangeClinicianAvailabilityTests
{
    private static readonly ChangeClinicianAvailabilityValidator Validator = new();

    [Fact]
    public void new_availability_replaces_the_old()
    {
        var clinician = ClinicianScenario.Onboarded();
        var windows = new[] { new AvailabilityWindow(WeekDay.Tuesday, "08:00", "12:00"), new AvailabilityWindow(WeekDay.Thursday, "13:00", "19:30") };
        var command = new ChangeClinicianAvailability(windows, null);

        ChangeClinicianAvailabilityHandler.Validate(command, clinician, Validator).ShouldPass();
        var changed = ChangeClinicianAvailabilityHandler.Decide(clinician, command).ShouldHaveSingleItem()
            .ShouldBeOfType<ClinicianAvailabilityChanged>();
        changed.Availability.ShouldBe(windows.Select(w => w.AsWeekly()).ToList());
        clinician.Then(changed).Availability.ShouldBe(windows);
    }

    [Fact]
    public void an_empty_list_clears_availability() =>
        ChangeClinicianAvailabilityHandler.Validate(new ChangeClinicianAvailability([], null), ClinicianScenario.Onboarded(), Validator)
            .ShouldPass();

    [Fact]
    public void a_missing_list_is_refused() =>
        ChangeClinicianAvailabilityHandler.Validate(new ChangeClinicianAvailability(null, null), ClinicianScenario.Onboarded(), Validator)
            .ShouldBeInvalid("availability");

    [Theory]
    [InlineData("09:00", "09:00")]
    [InlineData("25:00", "26:00")]
    [InlineData(null, "10:00")]
    public void a_window_must_run_forward_in_hh_mm(string? from, string? to) =>
        ChangeClinicianAvailabilityHandler.Validate(
                new ChangeClinicianAvailability([new AvailabilityWindow(WeekDay.Monday, "08:00", "09:00"), new AvailabilityWindow(WeekDay.Monday, from, to)], null),
                ClinicianScenario.Onboarded(),
                Validator)
            .ShouldBeInvalid("availability[1]");

    [Fact]
    public void an_offboarded_clinician_keeps_no_availability() =>
        ChangeClinicianAvailabilityHandler.Validate(new ChangeClinicianAvailability([], null), ClinicianScenario.Offboarded(), Validator)
            .ShouldBeConflict("clinicianOffboarded");
}

public class ChangeClinicianAvailabilityHttpTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task changed_availability_shows_in_the_directory()
    {
        var id = await app.Host.Onboard();

        var (status, body) = await app.Host.Put($"/api/clinicians/{id}/availability",
            new { availability = new[] { new { day = "wednesday", from = "10:00", to = "14:00" } }, expectedVersion = 1 }, Tokens.Admin);

        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        body!["version"]!.GetValue<int>().ShouldBe(2);
        var window = (await app.Host.Clinician(id))["availability"]!.AsArray().ShouldHaveSingleItem()!;
        window["day"]!.GetValue<string>().ShouldBe("wednesday");
        window["from"]!.GetValue<string>().ShouldBe("10:00");
        window["to"]!.GetValue<string>().ShouldBe("14:00");

        await using var session = app.Store.LightweightSession();
        (await session.Events.FetchStreamAsync(id)).Last().Data.ShouldBeOfType<ClinicianAvailabilityChanged>();
    }

    [Fact]
    public async Task a_backwards_window_is_a_400()
    {
        var id = await app.Host.Onboard();
        var (status, problem) = await app.Host.Put($"/api/clinicians/{id}/availability",
            new { availability = new[] { new { day = "friday", from = "18:00", to = "08:00" } } }, Tokens.Admin);
        status.ShouldBe(HttpStatusCode.BadRequest);
        problem.ErrorKeys().ShouldBe(["availability[0]"]);
    }
}
