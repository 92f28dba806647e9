using Matching.Service.Shared;

namespace Matching.Service.Clinicians;

// ClinicianOnboarded and ClinicianAvailabilityChanged as stored until 2026-12-07 (aliases clinician_onboarded and
// clinician_availability_changed): availability in the request's all-nullable window record, which onboarding and profile
// updates didn't check before 2026-12-06. Never written again; read through Upcast (docs/adr/0026-event-versions.md). They
// share ClinicianProfile: the profile is not what changed (a change to it makes new versions of the events holding it).

public sealed record ClinicianOnboardedV1(
    ClinicianProfile Profile,
    int CaseloadLimit,
    int WeeklyNewClientLimit,
    bool AcceptingNewClients,
    IReadOnlyList<AvailabilityWindowV1?>? Availability)
{
    public ClinicianOnboarded Upcast() =>
        new(Profile, CaseloadLimit, WeeklyNewClientLimit, AcceptingNewClients, AvailabilityWindowV1.Complete(Availability));
}

public sealed record ClinicianAvailabilityChangedV1(IReadOnlyList<AvailabilityWindowV1?>? Availability)
{
    public ClinicianAvailabilityChanged Upcast() => new(AvailabilityWindowV1.Complete(Availability));
}
