using Matching.Service.Referrals;
using Matching.Service.Shared;

namespace Matching.Service.Matching;

/// <summary>
/// Everything the filters and criteria read about the client, and nothing else (no name, contact or
/// notes). Each setter also refreshes the engine's precomputed form, so <c>with</c> copies stay consistent.
/// </summary>
public sealed record ClientNeeds
{
    public const string DefaultTimeZoneId = "America/Denver";
    public static readonly TimeZoneInfo DefaultTimeZone = WeeklyAvailability.Zone(DefaultTimeZoneId);

    private readonly FormatPreference format = FormatPreference.Either;
    private readonly string? state;
    private readonly SessionType? sessionType;
    private readonly AgeGroup ageGroup;
    private readonly string? payer;
    private readonly IReadOnlyList<string> languages = [];
    private readonly IReadOnlyList<Concern> concerns = [];
    private readonly IReadOnlyList<Modality> preferredModalities = [];
    private readonly IReadOnlyList<AvailabilityWindow> availability = [];
    private readonly TimeZoneInfo timeZone = DefaultTimeZone;
    private readonly IReadOnlyCollection<Guid> excludedClinicianIds = [];

    /// <summary>Formats the client accepts; <c>Either</c> accepts both.</summary>
    public FormatPreference Format
    {
        get => format;
        init { format = value; FormatBits = value switch
        {
            FormatPreference.InPerson => Normalized.Bit(SessionFormat.InPerson),
            FormatPreference.Telehealth => Normalized.Bit(SessionFormat.Telehealth),
            _ => Normalized.Bit(SessionFormat.InPerson) | Normalized.Bit(SessionFormat.Telehealth)
        }; }
    }

    /// <summary>US state code where the client is (and so where sessions are delivered).</summary>
    public string? State { get => state; init { state = value; StateCode = Normalized.Code(value); } }

    /// <summary>Null only when unknown: then any session type passes.</summary>
    public SessionType? SessionType
    {
        get => sessionType;
        init { sessionType = value; SessionTypeBit = value is { } t ? Normalized.Bit(t) : 0; }
    }

    /// <summary>The age group derived at intake (see <see cref="AgeGroups"/>).</summary>
    public AgeGroup AgeGroup { get => ageGroup; init { ageGroup = value; AgeGroupBit = Normalized.Bit(value); } }

    public PaymentMethod? PaymentMethod { get; init; }

    /// <summary>The insurance payer, matched case-insensitively and trimmed.</summary>
    public string? Payer { get => payer; init { payer = value; PayerCode = Normalized.Code(value); } }

    /// <summary>Self-pay: the most the client pays per session; null means no ceiling.</summary>
    public decimal? MaxSessionRate { get; init; }

    public IReadOnlyList<string> Languages
    {
        get => languages;
        init { languages = value ?? []; LanguageCodes = Normalized.Codes(languages); }
    }

    public bool WantsKetamineAssistedTherapy { get; init; }

    public IReadOnlyList<Concern> Concerns
    {
        get => concerns;
        init { concerns = value ?? []; ConcernBits = Normalized.Bits(concerns); }
    }

    public IReadOnlyList<Modality> PreferredModalities
    {
        get => preferredModalities;
        init { preferredModalities = value ?? []; ModalityBits = Normalized.Bits(preferredModalities); }
    }

    public Gender? PreferredGender { get; init; }
    public bool WantsLgbtqAffirming { get; init; }
    public bool WantsBipocAffirming { get; init; }

    /// <summary>Weekly windows in <see cref="TimeZone"/> (the practice's zone).</summary>
    public IReadOnlyList<AvailabilityWindow> Availability
    {
        get => availability;
        init { availability = value ?? []; RefreshAvailability(); }
    }

    public TimeZoneInfo TimeZone
    {
        get => timeZone;
        init { timeZone = value ?? DefaultTimeZone; RefreshAvailability(); }
    }

    /// <summary>Clinicians who declined, let lapse or had withdrawn a proposal for this referral.</summary>
    public IReadOnlyCollection<Guid> ExcludedClinicianIds
    {
        get => excludedClinicianIds;
        init { excludedClinicianIds = value ?? []; ExcludedSet = [..excludedClinicianIds]; }
    }

    // The precomputed form the engine reads.
    internal ulong FormatBits { get; private init; } = Normalized.Bit(SessionFormat.InPerson) | Normalized.Bit(SessionFormat.Telehealth);
    internal string? StateCode { get; private init; }
    internal ulong SessionTypeBit { get; private init; }
    internal ulong AgeGroupBit { get; private init; } = Normalized.Bit(AgeGroup.Child);
    internal string? PayerCode { get; private init; }
    internal string[] LanguageCodes { get; private init; } = [];
    internal ulong ConcernBits { get; private init; }
    internal ulong ModalityBits { get; private init; }
    internal int[] AvailabilityIntervals { get; private set; } = [];
    internal int AvailabilityMinutes { get; private set; }
    internal HashSet<Guid> ExcludedSet { get; private init; } = [];

    public static ClientNeeds From(Referral referral, TimeZoneInfo? practiceTimeZone = null)
    {
        var intake = referral.Intake;
        return new ClientNeeds
        {
            Format = intake.Format,
            State = intake.Client.State,
            SessionType = intake.SessionType,
            AgeGroup = referral.AgeGroup,
            PaymentMethod = intake.Payment.Method,
            Payer = intake.Payment.Payer,
            MaxSessionRate = intake.Payment.MaxSessionRate,
            Languages = intake.Languages,
            WantsKetamineAssistedTherapy = intake.InterestedInKetamineAssistedTherapy == true,
            Concerns = intake.Concerns,
            PreferredModalities = intake.PreferredModalities ?? [],
            PreferredGender = intake.ClinicianPreferences?.Gender,
            WantsLgbtqAffirming = intake.ClinicianPreferences?.LgbtqAffirming == true,
            WantsBipocAffirming = intake.ClinicianPreferences?.BipocAffirming == true,
            TimeZone = practiceTimeZone ?? DefaultTimeZone,
            Availability = intake.Availability?.Select(w => w.AsAvailability()).ToList() ?? [],
            ExcludedClinicianIds = referral.ExcludedClinicianIds.ToHashSet()
        };
    }

    private void RefreshAvailability()
    {
        AvailabilityIntervals = WeeklyAvailability.ToIntervals(availability, timeZone);
        AvailabilityMinutes = WeeklyAvailability.TotalMinutes(AvailabilityIntervals);
    }
}
