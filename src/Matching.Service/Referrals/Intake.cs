using System.Text.Json.Serialization;
using Matching.Service.Shared;

namespace Matching.Service.Referrals;

// What the person tells us on the "Get Matched with a Clinician" form: the API's request shapes, all-nullable so a
// missing answer is a 400 naming it. The referral keeps its own records of it (ReferralIntake, in IntakeSubmitted);
// the referral detail answers in these shapes again, mapped back from what was kept (IntakeView).

public sealed record ClientDetails(
    string? FirstName,
    string? LastName,
    string? Email,
    string? Phone,
    DateOnly? DateOfBirth,
    string? State,
    string? PostalCode,
    string? Pronouns);

public enum PaymentMethod { Insurance, SelfPay }

public sealed record Payment(PaymentMethod? Method, string? Payer, string? MemberId, decimal? MaxSessionRate);

public sealed record ClinicianPreferences(Gender? Gender, bool? LgbtqAffirming, bool? BipocAffirming);

public enum SelfHarmAnswer { NotAtAll, SeveralDays, MoreThanHalfTheDays, NearlyEveryDay }

public sealed record SafetyAnswers(SelfHarmAnswer? ThoughtsOfSelfHarm);

/// <summary><see cref="TextMessagesOk"/>: the client may be texted at the phone number they gave (optional; no answer is no).</summary>
public sealed record Consent(bool? Contact, bool? PrivacyNoticeAccepted, bool? TextMessagesOk = null);

public sealed record Intake(
    ClientDetails? Client,
    SessionType? SessionType,
    IReadOnlyList<Concern>? Concerns,
    IReadOnlyList<Modality>? PreferredModalities,
    FormatPreference? Format,
    Payment? Payment,
    IReadOnlyList<string>? Languages,
    ClinicianPreferences? ClinicianPreferences,
    IReadOnlyList<AvailabilityWindow>? Availability,
    SafetyAnswers? Safety,
    bool? InterestedInKetamineAssistedTherapy,
    string? Notes,
    Consent? Consent)
{
    // Derived, so never asked of a client.
    [JsonIgnore]
    public bool IsUrgent => Safety?.ThoughtsOfSelfHarm is { } answer && answer != SelfHarmAnswer.NotAtAll;
}

/// <summary>What the referral kept of an intake, in the API's intake shapes again: the answer keeps the shape it was asked in.</summary>
public static class IntakeView
{
    public static Intake Of(ReferralIntake intake) => new(
        new ClientDetails(intake.Client.FirstName, intake.Client.LastName, intake.Client.Email, intake.Client.Phone,
            intake.Client.DateOfBirth, intake.Client.State, intake.Client.PostalCode, intake.Client.Pronouns),
        intake.SessionType,
        intake.Concerns,
        intake.PreferredModalities,
        intake.Format,
        new Payment(intake.Payment.Method, intake.Payment.Payer, intake.Payment.MemberId, intake.Payment.MaxSessionRate),
        intake.Languages,
        Of(intake.ClinicianPreferences),
        Of(intake.Availability),
        new SafetyAnswers(intake.Safety.ThoughtsOfSelfHarm),
        intake.InterestedInKetamineAssistedTherapy,
        intake.Notes,
        new Consent(intake.Consent.Contact, intake.Consent.PrivacyNoticeAccepted, intake.Consent.TextMessagesOk));

    public static ClinicianPreferences? Of(IntakePreferences? preferences) =>
        preferences is null ? null : new ClinicianPreferences(preferences.Gender, preferences.LgbtqAffirming, preferences.BipocAffirming);

    public static IReadOnlyList<AvailabilityWindow>? Of(IReadOnlyList<WeeklyWindow>? windows) =>
        windows?.Select(w => w.AsAvailability()).ToList();
}
