using Matching.Service.Referrals;
using Matching.Service.Shared;

namespace Matching.LoadBench;

/// <summary>What the benchmark sends: the intake form of the tests' samples, and a contact attempt.</summary>
public static class Payloads
{
    public static Intake Intake(int n = 0) => new(
        new ClientDetails("Ann", $"Lee{n % 1000}", "ann@example.org", "+1 303 555 0100", new DateOnly(1990, 4, 2), "CO", "80302", "she/her"),
        SessionType.Individual,
        [Concern.Trauma, Concern.Grief],
        [Modality.Emdr],
        FormatPreference.Either,
        new Payment(PaymentMethod.Insurance, "Aetna", "W123", null),
        ["English"],
        new ClinicianPreferences(Gender.Female, true, false),
        [new AvailabilityWindow(WeekDay.Monday, "17:00", "20:00")],
        new SafetyAnswers(SelfHarmAnswer.NotAtAll),
        false,
        "Prefers evenings.",
        new Consent(true, true));

    public const string ContactAttemptJson = """{"channel":"phone","outcome":"noAnswer"}""";
}
