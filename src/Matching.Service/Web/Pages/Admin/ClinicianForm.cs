using Matching.Service.Clinicians;
using Matching.Service.Clinicians.Onboarding;
using Matching.Service.Clinicians.Profile;
using Matching.Service.Shared;

namespace Matching.Service.Web.Pages.Admin;

/// <summary>The clinician profile as the admin forms post it; lists of codes and names are typed comma-separated.</summary>
public sealed class ClinicianForm
{
    public string? Name { get; set; }
    public string? Credentials { get; set; }
    public string? Email { get; set; }
    public string? TimeZone { get; set; } = "America/Denver";
    public string? LicensedStates { get; set; }
    public string? OfficeStates { get; set; }
    public string? OfficeAddress { get; set; }
    public string? TelehealthLink { get; set; }
    public List<SessionFormat> Formats { get; set; } = [];
    public List<SessionType> SessionTypes { get; set; } = [];
    public List<AgeGroup> AgeGroups { get; set; } = [];
    public List<Concern> Specialties { get; set; } = [];
    public List<Modality> Modalities { get; set; } = [];
    public string? Languages { get; set; } = "English";
    public string? Payers { get; set; }
    public decimal? SelfPayRate { get; set; }
    public decimal? SlidingScaleMin { get; set; }
    public Gender? Gender { get; set; }
    public bool LgbtqAffirming { get; set; }
    public bool BipocAffirming { get; set; }
    public bool Ketamine { get; set; }
    public int? CaseloadLimit { get; set; } = 25;
    public int? WeeklyNewClientLimit { get; set; } = 3;

    public static ClinicianForm From(Clinician c) => new()
    {
        Name = c.Profile.Name, Credentials = c.Profile.Credentials, Email = c.Profile.Email, TimeZone = c.Profile.TimeZone,
        LicensedStates = string.Join(", ", c.Profile.LicensedStates), OfficeStates = string.Join(", ", c.Profile.OfficeStates),
        OfficeAddress = c.Profile.OfficeAddress, TelehealthLink = c.Profile.TelehealthLink,
        Formats = [..c.Profile.Formats], SessionTypes = [..c.Profile.SessionTypes], AgeGroups = [..c.Profile.AgeGroups],
        Specialties = [..c.Profile.Specialties], Modalities = [..c.Profile.Modalities],
        Languages = string.Join(", ", c.Profile.Languages), Payers = string.Join(", ", c.Profile.Payers),
        SelfPayRate = c.Profile.SelfPayRate, SlidingScaleMin = c.Profile.SlidingScaleMin, Gender = c.Profile.Gender,
        LgbtqAffirming = c.Profile.LgbtqAffirming, BipocAffirming = c.Profile.BipocAffirming,
        Ketamine = c.Profile.OffersKetamineAssistedTherapy, CaseloadLimit = c.CaseloadLimit, WeeklyNewClientLimit = c.WeeklyNewClientLimit
    };

    public OnboardClinician ToOnboarding() => new(Name, Credentials, Email, TimeZone, Split(LicensedStates, upper: true),
        Split(OfficeStates, upper: true), Formats, SessionTypes, AgeGroups, Specialties, Modalities, Split(Languages), Split(Payers),
        SelfPayRate, SlidingScaleMin, Gender, LgbtqAffirming, BipocAffirming, Ketamine, CaseloadLimit, WeeklyNewClientLimit, [], true,
        OfficeAddress, TelehealthLink);

    public UpdateClinicianProfile ToUpdate(int? expectedVersion) => new(Name, Credentials, Email, TimeZone,
        Split(LicensedStates, upper: true), Split(OfficeStates, upper: true), Formats, SessionTypes, AgeGroups, Specialties, Modalities,
        Split(Languages), Split(Payers), SelfPayRate, SlidingScaleMin, Gender, LgbtqAffirming, BipocAffirming, Ketamine, expectedVersion,
        OfficeAddress: OfficeAddress, TelehealthLink: TelehealthLink);

    private static List<string> Split(string? text, bool upper = false) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(s => upper ? s.ToUpperInvariant() : s).ToList();
}
