using Matching.Service.Clinicians;
using Matching.Service.Clinicians.Onboarding;
using Matching.Service.Shared;
using Matching.Tests.Support;

namespace Matching.Tests.Clinicians.Onboarding;

public class OnboardClinicianTests
{
    private static readonly OnboardClinicianValidator Validator = new();

    [Fact]
    public void the_contract_example_is_valid() =>
        OnboardClinicianHandler.Validate(Samples.Clinician(), Validator).ShouldPass();

    [Fact]
    public void onboarding_records_the_profile_capacity_and_availability()
    {
        var events = OnboardClinicianHandler.Decide(Samples.Clinician());

        var onboarded = events.ShouldHaveSingleItem().ShouldBeOfType<ClinicianOnboarded>();
        onboarded.Profile.Name.ShouldBe("Grace Kim");
        onboarded.Profile.LicensedStates.ShouldBe(["CO", "WY"]);
        onboarded.Profile.Specialties.ShouldBe([Concern.Trauma, Concern.Grief]);
        onboarded.CaseloadLimit.ShouldBe(25);
        onboarded.WeeklyNewClientLimit.ShouldBe(3);
        onboarded.AcceptingNewClients.ShouldBeTrue();
        onboarded.Availability.ShouldHaveSingleItem().Day.ShouldBe(WeekDay.Monday);
    }

    [Fact]
    public void a_clinician_accepts_new_clients_unless_told_otherwise()
    {
        var onboarded = (ClinicianOnboarded)OnboardClinicianHandler.Decide(Samples.Clinician() with { AcceptingNewClients = null })[0];
        onboarded.AcceptingNewClients.ShouldBeTrue();
    }

    [Fact]
    public void payers_rates_identity_flags_and_availability_are_optional() =>
        OnboardClinicianHandler.Validate(Samples.Clinician() with
        {
            Payers = null, SelfPayRate = null, SlidingScaleMin = null, Gender = null, LgbtqAffirming = null,
            BipocAffirming = null, OffersKetamineAssistedTherapy = null, Availability = null, Modalities = null,
            Credentials = null, AcceptingNewClients = null
        }, Validator).ShouldPass();

    public static TheoryData<OnboardClinician, string> InvalidBodies => new()
    {
        { Samples.Clinician() with { Name = " " }, "name" },
        { Samples.Clinician() with { Email = null }, "email" },
        { Samples.Clinician() with { Email = "not-an-email" }, "email" },
        { Samples.Clinician() with { TimeZone = "Mars/Olympus_Mons" }, "timeZone" },
        { Samples.Clinician() with { TimeZone = null }, "timeZone" },
        { Samples.Clinician() with { LicensedStates = [] }, "licensedStates" },
        { Samples.Clinician() with { LicensedStates = ["CO", "Colorado"] }, "licensedStates[1]" },
        { Samples.Clinician() with { OfficeStates = ["co"] }, "officeStates[0]" },
        { Samples.Clinician() with { OfficeStates = [] }, "officeStates" },
        { Samples.Clinician() with { Formats = [] }, "formats" },
        { Samples.Clinician() with { SessionTypes = null }, "sessionTypes" },
        { Samples.Clinician() with { AgeGroups = [] }, "ageGroups" },
        { Samples.Clinician() with { Specialties = [] }, "specialties" },
        { Samples.Clinician() with { Languages = [] }, "languages" },
        { Samples.Clinician() with { CaseloadLimit = -1 }, "caseloadLimit" },
        { Samples.Clinician() with { CaseloadLimit = null }, "caseloadLimit" },
        { Samples.Clinician() with { WeeklyNewClientLimit = -1 }, "weeklyNewClientLimit" },
        { Samples.Clinician() with { SelfPayRate = -5 }, "selfPayRate" },
        { Samples.Clinician() with { SlidingScaleMin = -1 }, "slidingScaleMin" },
        { Samples.Clinician() with { Availability = [new AvailabilityWindow(WeekDay.Monday, "17:00", "09:00")] }, "availability[0]" },
        { Samples.Clinician() with { Availability = [new AvailabilityWindow(null, "09:00", "17:00")] }, "availability[0]" },
        { Samples.Clinician() with { Availability = [new AvailabilityWindow(WeekDay.Friday, "9am", "17:00")] }, "availability[0]" },
    };

    [Theory, MemberData(nameof(InvalidBodies))]
    public void an_invalid_body_is_refused_naming_the_field(OnboardClinician body, string field) =>
        OnboardClinicianHandler.Validate(body, Validator).ShouldBeInvalid(field);

    [Fact]
    public void telehealth_only_needs_no_office() =>
        OnboardClinicianHandler.Validate(Samples.Clinician() with
        {
            Formats = [SessionFormat.Telehealth], OfficeStates = []
        }, Validator).ShouldPass();

    [Fact]
    public void zero_caseload_and_weekly_limits_are_allowed() =>
        OnboardClinicianHandler.Validate(Samples.Clinician() with { CaseloadLimit = 0, WeeklyNewClientLimit = 0 }, Validator).ShouldPass();
}
