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
    /// <summary>
    /// As the directory shows it. Snapshots written before 2026-12-07 may still hold windows that onboarding didn't check then
    /// (the engine skips them); rebuilt from the events they are gone.
    /// </summary>
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
        Availability = Shown(e.Availability)
    };

    public Clinician Apply(ClinicianProfileUpdated e) => this with { Profile = e.Profile };

    public Clinician Apply(ClinicianCapacityChanged e) => this with
    {
        CaseloadLimit = e.CaseloadLimit, WeeklyNewClientLimit = e.WeeklyNewClientLimit, AcceptingNewClients = e.AcceptingNewClients
    };

    public Clinician Apply(ClinicianAvailabilityChanged e) => this with { Availability = Shown(e.Availability) };

    public Clinician Apply(ClinicianPaused _) => this with { Paused = true };

    public Clinician Apply(ClinicianResumed _) => this with { Paused = false };

    public Clinician Apply(ClinicianOffboarded _) => this with { Offboarded = true, AcceptingNewClients = false };

    private static IReadOnlyList<AvailabilityWindow> Shown(IReadOnlyList<WeeklyWindow> windows) => windows.Select(w => w.AsAvailability()).ToList();
}
