using Matching.Service.Referrals;
using Matching.Service.Referrals.SubmittingIntake;
using Matching.Service.Shared;

namespace Matching.Tests.Support;

/// <summary>Ready-made request bodies that tests tweak with `with`.</summary>
public static partial class Samples
{
    public static Intake Intake(SelfHarmAnswer safety = SelfHarmAnswer.NotAtAll) => new(
        new ClientDetails("Ann", "Lee", "ann@example.org", "+1 303 555 0100", new DateOnly(1990, 4, 2), "CO", "80302", "she/her"),
        SessionType.Individual,
        [Concern.Trauma, Concern.Grief],
        [Modality.Emdr],
        FormatPreference.Either,
        new Payment(PaymentMethod.Insurance, "Aetna", "W123", null),
        ["English"],
        new ClinicianPreferences(Gender.Female, true, false),
        [new AvailabilityWindow(WeekDay.Monday, "17:00", "20:00")],
        new SafetyAnswers(safety),
        false,
        "Prefers evenings.",
        new Consent(true, true));

    public static Intake UrgentIntake() => Intake(SelfHarmAnswer.SeveralDays);

    /// <summary>The event an intake makes, with what the decider keeps of it.</summary>
    public static IntakeSubmitted Submitted(Intake intake, DateOnly? intakeDate = null, AgeGroup ageGroup = AgeGroup.Adult) =>
        new(SubmitIntakeHandler.Kept(intake), intakeDate ?? new DateOnly(2026, 3, 2), ageGroup);
}
