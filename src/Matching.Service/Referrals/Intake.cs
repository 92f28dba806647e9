using System.Text.Json.Serialization;
using Matching.Service.Shared;

namespace Matching.Service.Referrals;

// What the person told us on the "Get Matched with a Clinician" form. The same shapes serve the
// request body and the IntakeSubmitted event, so what is stored is exactly what was asked.

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

public sealed record Consent(bool? Contact, bool? PrivacyNoticeAccepted);

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
    // Derived, so neither asked of a client nor stored with the event (events stored before kept clientName).
    [JsonIgnore]
    public bool IsUrgent => Safety?.ThoughtsOfSelfHarm is { } answer && answer != SelfHarmAnswer.NotAtAll;

    [JsonIgnore]
    public string ClientName => $"{Client?.FirstName} {Client?.LastName}".Trim();
}
