using Matching.Service.Clinicians.Onboarding;
using Matching.Service.Shared;

namespace Matching.Tests.Support;

public static partial class Samples
{
    /// <summary>The contract's onboarding example: Grace Kim, licensed in CO and WY, office in CO.</summary>
    public static OnboardClinician Clinician(string name = "Grace Kim") => new(
        name,
        "LPC",
        "grace@practice.example",
        "America/Denver",
        ["CO", "WY"],
        ["CO"],
        [SessionFormat.InPerson, SessionFormat.Telehealth],
        [SessionType.Individual, SessionType.Couples],
        [AgeGroup.Adult, AgeGroup.OlderAdult],
        [Concern.Trauma, Concern.Grief],
        [Modality.Emdr, Modality.Somatic],
        ["English", "Spanish"],
        ["Aetna", "Cigna"],
        160,
        90,
        Gender.Female,
        true,
        false,
        false,
        25,
        3,
        [new AvailabilityWindow(WeekDay.Monday, "09:00", "17:00")],
        true);
}
