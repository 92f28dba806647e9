using System.Text.Json.Serialization;
using Matching.Service.Shared;

namespace Matching.Service.Referrals;

// What a referral keeps of its intake: the IntakeSubmitted event's own records, stored once and kept, and independent of
// the API's request types (which may change). A member is non-null where a validated intake always has a value; an optional
// answer stays null when it wasn't given. The JSON keeps the names the intake has always been stored with.

public sealed record ReferralIntake(
    IntakeClient Client,
    SessionType SessionType,
    IReadOnlyList<Concern> Concerns,
    IReadOnlyList<Modality>? PreferredModalities,
    FormatPreference Format,
    IntakePayment Payment,
    IReadOnlyList<string> Languages,
    IntakePreferences? ClinicianPreferences,
    IReadOnlyList<WeeklyWindow>? Availability,
    IntakeSafety Safety,
    bool? InterestedInKetamineAssistedTherapy,
    [PersonalData] string? Notes,
    IntakeConsent Consent);

/// <summary>Who the client is and how to reach them (an email, a phone, or both). The date of birth is null only once erased.</summary>
public sealed record IntakeClient(
    [PersonalData] string FirstName,
    [PersonalData] string LastName,
    [PersonalData] string? Email,
    [PersonalData] string? Phone,
    [PersonalData] DateOnly? DateOfBirth,
    string State,
    [PersonalData] string? PostalCode,
    [PersonalData] string? Pronouns)
{
    [JsonIgnore]
    public string FullName => $"{FirstName} {LastName}";
}

/// <summary>Payer and member id for insurance, the most the client pays per session for self-pay.</summary>
public sealed record IntakePayment(PaymentMethod Method, string? Payer, [PersonalData] string? MemberId, decimal? MaxSessionRate);

/// <summary>What the client would like in a clinician; a null answer is no preference.</summary>
public sealed record IntakePreferences(Gender? Gender, bool? LgbtqAffirming, bool? BipocAffirming);

public sealed record IntakeSafety(SelfHarmAnswer ThoughtsOfSelfHarm);

/// <summary>
/// Contact and privacy are both given (an intake without them is refused): kept as the record that they were.
/// <see cref="TextMessagesOk"/> is optional and came later: intakes stored before it read as false (no texts), and a
/// false is not written, so events and snapshots without the consent keep the shape they always had.
/// </summary>
public sealed record IntakeConsent(
    bool Contact,
    bool PrivacyNoticeAccepted,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool TextMessagesOk = false);
