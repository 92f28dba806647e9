using Matching.Service.Shared;

namespace Matching.Service.Clinicians;

/// <summary>A clinician as their own stream leaves them (profile, capacity settings, availability).</summary>
public sealed record Clinician
{
    public Guid Id { get; set; }
    public long Version { get; set; }

    public ClinicianProfile Profile { get; init; } = null!;
    public int CaseloadLimit { get; init; }
    public int WeeklyNewClientLimit { get; init; }
    public bool AcceptingNewClients { get; init; }
    public IReadOnlyList<AvailabilityWindow> Availability { get; init; } = [];
    public bool Paused { get; init; }
    public bool Offboarded { get; init; }

    /// <summary>Can be proposed to new clients at all (capacity aside).</summary>
    public bool OpenToNewClients => AcceptingNewClients && !Paused && !Offboarded;

    public static Clinician Create(ClinicianOnboarded e) => new()
    {
        Profile = e.Profile,
        CaseloadLimit = e.CaseloadLimit,
        WeeklyNewClientLimit = e.WeeklyNewClientLimit,
        AcceptingNewClients = e.AcceptingNewClients,
        Availability = e.Availability
    };

    public Clinician Apply(ClinicianProfileUpdated e) => this with { Profile = e.Profile };

    public Clinician Apply(ClinicianCapacityChanged e) => this with
    {
        CaseloadLimit = e.CaseloadLimit, WeeklyNewClientLimit = e.WeeklyNewClientLimit, AcceptingNewClients = e.AcceptingNewClients
    };

    public Clinician Apply(ClinicianAvailabilityChanged e) => this with { Availability = e.Availability };

    public Clinician Apply(ClinicianPaused _) => this with { Paused = true };

    public Clinician Apply(ClinicianResumed _) => this with { Paused = false };

    public Clinician Apply(ClinicianOffboarded _) => this with { Offboarded = true, AcceptingNewClients = false };
}
