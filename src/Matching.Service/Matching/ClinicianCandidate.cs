using Matching.Service.Clinicians;
using Matching.Service.Clinicians.Workload;
using Matching.Service.Shared;

namespace Matching.Service.Matching;

/// <summary>
/// A clinician as the engine sees them: profile, capacity settings, availability and current load.
/// Each setter also refreshes the engine's precomputed form, so <c>with</c> copies stay consistent.
/// </summary>
public sealed record ClinicianCandidate
{
    private readonly IReadOnlyList<string> licensedStates = [];
    private readonly IReadOnlyList<string> officeStates = [];
    private readonly IReadOnlyList<SessionFormat> formats = [];
    private readonly IReadOnlyList<SessionType> sessionTypes = [];
    private readonly IReadOnlyList<AgeGroup> ageGroups = [];
    private readonly IReadOnlyList<Concern> specialties = [];
    private readonly IReadOnlyList<Modality> modalities = [];
    private readonly IReadOnlyList<string> languages = [];
    private readonly IReadOnlyList<string> payers = [];
    private readonly IReadOnlyList<AvailabilityWindow> availability = [];
    private readonly string timeZone = "UTC";

    public Guid Id { get; init; }
    public string Name { get; init; } = "";

    public bool AcceptingNewClients { get; init; }
    public bool Paused { get; init; }
    public bool Offboarded { get; init; }

    public int CaseloadLimit { get; init; }
    public int WeeklyNewClientLimit { get; init; }
    public int ActiveClients { get; init; }
    public int OpenProposals { get; init; }
    public int NewClientsLast7Days { get; init; }

    /// <summary>Caseload limit minus active clients minus open proposals (may be negative when over-booked).</summary>
    public int RemainingCapacity => CaseloadLimit - ActiveClients - OpenProposals;

    public IReadOnlyList<string> LicensedStates
    {
        get => licensedStates;
        init { licensedStates = value ?? []; LicensedStateCodes = Normalized.Codes(licensedStates); }
    }

    public IReadOnlyList<string> OfficeStates
    {
        get => officeStates;
        init { officeStates = value ?? []; OfficeStateCodes = Normalized.Codes(officeStates); }
    }

    public IReadOnlyList<SessionFormat> Formats
    {
        get => formats;
        init { formats = value ?? []; FormatBits = Normalized.Bits(formats); }
    }

    public IReadOnlyList<SessionType> SessionTypes
    {
        get => sessionTypes;
        init { sessionTypes = value ?? []; SessionTypeBits = Normalized.Bits(sessionTypes); }
    }

    public IReadOnlyList<AgeGroup> AgeGroups
    {
        get => ageGroups;
        init { ageGroups = value ?? []; AgeGroupBits = Normalized.Bits(ageGroups); }
    }

    public IReadOnlyList<Concern> Specialties
    {
        get => specialties;
        init { specialties = value ?? []; SpecialtyBits = Normalized.Bits(specialties); }
    }

    public IReadOnlyList<Modality> Modalities
    {
        get => modalities;
        init { modalities = value ?? []; ModalityBits = Normalized.Bits(modalities); }
    }

    public IReadOnlyList<string> Languages
    {
        get => languages;
        init { languages = value ?? []; LanguageCodes = Normalized.Codes(languages); }
    }

    /// <summary>Insurance payers the clinician is credentialed with.</summary>
    public IReadOnlyList<string> Payers
    {
        get => payers;
        init { payers = value ?? []; PayerCodes = Normalized.Codes(payers); }
    }

    public decimal? SelfPayRate { get; init; }
    public decimal? SlidingScaleMin { get; init; }

    public Gender? Gender { get; init; }
    public bool LgbtqAffirming { get; init; }
    public bool BipocAffirming { get; init; }
    public bool OffersKetamineAssistedTherapy { get; init; }

    /// <summary>The clinician's own IANA zone, in which <see cref="Availability"/> is written.</summary>
    public string TimeZone
    {
        get => timeZone;
        init { timeZone = value ?? "UTC"; RefreshAvailability(); }
    }

    public IReadOnlyList<AvailabilityWindow> Availability
    {
        get => availability;
        init { availability = value ?? []; RefreshAvailability(); }
    }

    // The precomputed form the engine reads.
    internal string[] LicensedStateCodes { get; private init; } = [];
    internal string[] OfficeStateCodes { get; private init; } = [];
    internal ulong FormatBits { get; private init; }
    internal ulong SessionTypeBits { get; private init; }
    internal ulong AgeGroupBits { get; private init; }
    internal ulong SpecialtyBits { get; private init; }
    internal ulong ModalityBits { get; private init; }
    internal string[] LanguageCodes { get; private init; } = [];
    internal string[] PayerCodes { get; private init; } = [];
    internal int[] AvailabilityIntervals { get; private set; } = [];

    public static ClinicianCandidate From(Clinician clinician, ClinicianWorkload workload)
    {
        var profile = clinician.Profile;
        return new ClinicianCandidate
        {
            Id = clinician.Id,
            Name = profile.Name,
            AcceptingNewClients = clinician.AcceptingNewClients,
            Paused = clinician.Paused,
            Offboarded = clinician.Offboarded,
            CaseloadLimit = clinician.CaseloadLimit,
            WeeklyNewClientLimit = clinician.WeeklyNewClientLimit,
            ActiveClients = workload.ActiveClients,
            OpenProposals = workload.OpenProposals,
            NewClientsLast7Days = workload.NewClientsLast7Days,
            LicensedStates = profile.LicensedStates,
            OfficeStates = profile.OfficeStates,
            Formats = profile.Formats,
            SessionTypes = profile.SessionTypes,
            AgeGroups = profile.AgeGroups,
            Specialties = profile.Specialties,
            Modalities = profile.Modalities,
            Languages = profile.Languages,
            Payers = profile.Payers,
            SelfPayRate = profile.SelfPayRate,
            SlidingScaleMin = profile.SlidingScaleMin,
            Gender = profile.Gender,
            LgbtqAffirming = profile.LgbtqAffirming,
            BipocAffirming = profile.BipocAffirming,
            OffersKetamineAssistedTherapy = profile.OffersKetamineAssistedTherapy,
            TimeZone = profile.TimeZone,
            Availability = clinician.Availability
        };
    }

    private void RefreshAvailability() =>
        AvailabilityIntervals = WeeklyAvailability.ToIntervals(availability, WeeklyAvailability.Zone(timeZone));
}
