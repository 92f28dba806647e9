using Matching.Service.Shared;

namespace Matching.Service.Referrals;

// IntakeSubmitted as stored until 2026-12 (alias intake_submitted): the request's own all-nullable records, which it embedded,
// and on rows stored before 2026-12-06 the computed isUrgent and clientName the serializer wrote then. Never written again;
// read through Upcast (docs/adr/0026-event-versions.md). Its marks are what the audit chain digested those rows by.

public sealed record IntakeSubmittedV1(IntakeV1 Intake, DateOnly IntakeDate, AgeGroup AgeGroup)
{
    /// <summary>Every stored intake passed the intake's validation, so what it guarantees is there (erasure keeps names as markers).</summary>
    public IntakeSubmitted Upcast() => new(Intake.Upcast(), IntakeDate, AgeGroup);
}

public sealed record IntakeV1(
    ClientDetailsV1? Client,
    SessionType? SessionType,
    IReadOnlyList<Concern>? Concerns,
    IReadOnlyList<Modality>? PreferredModalities,
    FormatPreference? Format,
    PaymentV1? Payment,
    IReadOnlyList<string>? Languages,
    ClinicianPreferencesV1? ClinicianPreferences,
    IReadOnlyList<AvailabilityWindowV1>? Availability,
    SafetyAnswersV1? Safety,
    bool? InterestedInKetamineAssistedTherapy,
    [PersonalData] string? Notes,
    ConsentV1? Consent,
    bool? IsUrgent = null,
    // The name as the serializer computed it, from the erased names once erased.
    [PersonalData(ErasedAs = "(erased) (erased)")] string? ClientName = null)
{
    public ReferralIntake Upcast()
    {
        var client = Client ?? throw Missing("client");
        var payment = Payment ?? throw Missing("payment");
        return new ReferralIntake(
            new IntakeClient(client.FirstName ?? throw Missing("client.firstName"), client.LastName ?? throw Missing("client.lastName"),
                client.Email, client.Phone, client.DateOfBirth, client.State ?? throw Missing("client.state"), client.PostalCode, client.Pronouns),
            SessionType ?? throw Missing("sessionType"),
            Concerns ?? throw Missing("concerns"),
            PreferredModalities,
            Format ?? throw Missing("format"),
            new IntakePayment(payment.Method ?? throw Missing("payment.method"), payment.Payer, payment.MemberId, payment.MaxSessionRate),
            Languages ?? throw Missing("languages"),
            ClinicianPreferences is { } p ? new IntakePreferences(p.Gender, p.LgbtqAffirming, p.BipocAffirming) : null,
            Availability?.Select(w => new WeeklyWindow(w.Day ?? throw Missing("availability.day"), w.From ?? throw Missing("availability.from"),
                w.To ?? throw Missing("availability.to"))).ToList(),
            new IntakeSafety(Safety?.ThoughtsOfSelfHarm ?? throw Missing("safety.thoughtsOfSelfHarm")),
            InterestedInKetamineAssistedTherapy,
            Notes,
            new IntakeConsent(Consent?.Contact == true, Consent?.PrivacyNoticeAccepted == true));
    }

    private static InvalidDataException Missing(string member) =>
        new($"A stored IntakeSubmitted lacks {member}, which every intake was validated to have.");
}

public sealed record ClientDetailsV1(
    [PersonalData] string? FirstName,
    [PersonalData] string? LastName,
    [PersonalData] string? Email,
    [PersonalData] string? Phone,
    [PersonalData] DateOnly? DateOfBirth,
    string? State,
    [PersonalData] string? PostalCode,
    [PersonalData] string? Pronouns);

public sealed record PaymentV1(PaymentMethod? Method, string? Payer, [PersonalData] string? MemberId, decimal? MaxSessionRate);

public sealed record ClinicianPreferencesV1(Gender? Gender, bool? LgbtqAffirming, bool? BipocAffirming);

public sealed record SafetyAnswersV1(SelfHarmAnswer? ThoughtsOfSelfHarm);

public sealed record ConsentV1(bool? Contact, bool? PrivacyNoticeAccepted);
