using Matching.Service.Shared;

namespace Matching.Service.Clinicians;

/// <summary>
/// Who a clinician is and whom they can see: everything but capacity. OfficeAddress and TelehealthLink (added later, so
/// optional and trailing) tell a client where to go or which video room to join; the first-session reminder carries them.
/// </summary>
public sealed record ClinicianProfile(
    string Name,
    string? Credentials,
    string Email,
    string TimeZone,
    IReadOnlyList<string> LicensedStates,
    IReadOnlyList<string> OfficeStates,
    IReadOnlyList<SessionFormat> Formats,
    IReadOnlyList<SessionType> SessionTypes,
    IReadOnlyList<AgeGroup> AgeGroups,
    IReadOnlyList<Concern> Specialties,
    IReadOnlyList<Modality> Modalities,
    IReadOnlyList<string> Languages,
    IReadOnlyList<string> Payers,
    decimal? SelfPayRate,
    decimal? SlidingScaleMin,
    Gender? Gender,
    bool LgbtqAffirming,
    bool BipocAffirming,
    bool OffersKetamineAssistedTherapy,
    string? OfficeAddress = null,
    string? TelehealthLink = null);

// The clinician stream's events: their own types, versioned when they change (docs/adr/0026-event-versions.md).

/// <summary>Stored as clinician_onboarded_v2; rows under clinician_onboarded hold <see cref="ClinicianOnboardedV1"/>.</summary>
public sealed record ClinicianOnboarded(
    ClinicianProfile Profile,
    int CaseloadLimit,
    int WeeklyNewClientLimit,
    bool AcceptingNewClients,
    IReadOnlyList<WeeklyWindow> Availability);

public sealed record ClinicianProfileUpdated(ClinicianProfile Profile);

public sealed record ClinicianCapacityChanged(int CaseloadLimit, int WeeklyNewClientLimit, bool AcceptingNewClients);

/// <summary>Stored as clinician_availability_changed_v2; rows under clinician_availability_changed hold <see cref="ClinicianAvailabilityChangedV1"/>.</summary>
public sealed record ClinicianAvailabilityChanged(IReadOnlyList<WeeklyWindow> Availability);

public sealed record ClinicianPaused(string? Reason);

public sealed record ClinicianResumed(string? Reason);

public sealed record ClinicianOffboarded(string Reason);
