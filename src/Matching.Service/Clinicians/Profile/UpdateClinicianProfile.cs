using Matching.Service.Infrastructure;
using Matching.Service.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Clinicians.Profile;

/// <summary>
/// The whole profile, replaced: the onboarding body less the capacity fields. Availability is optional: given, it
/// replaces the weekly availability (as PUT …/availability does); left out, the availability stays.
/// </summary>
public sealed record UpdateClinicianProfile(
    string? Name,
    string? Credentials,
    string? Email,
    string? TimeZone,
    IReadOnlyList<string>? LicensedStates,
    IReadOnlyList<string>? OfficeStates,
    IReadOnlyList<SessionFormat>? Formats,
    IReadOnlyList<SessionType>? SessionTypes,
    IReadOnlyList<AgeGroup>? AgeGroups,
    IReadOnlyList<Concern>? Specialties,
    IReadOnlyList<Modality>? Modalities,
    IReadOnlyList<string>? Languages,
    IReadOnlyList<string>? Payers,
    decimal? SelfPayRate,
    decimal? SlidingScaleMin,
    Gender? Gender,
    bool? LgbtqAffirming,
    bool? BipocAffirming,
    bool? OffersKetamineAssistedTherapy,
    int? ExpectedVersion,
    IReadOnlyList<AvailabilityWindow>? Availability = null) : IClinicianProfileInput, IClinicianCommand;

public sealed class UpdateClinicianProfileValidator : ClinicianProfileValidator<UpdateClinicianProfile>;

public static class UpdateClinicianProfileEndpoint
{
    private static readonly UpdateClinicianProfileValidator Validator = new();

    public static ProblemDetails Validate(UpdateClinicianProfile command, Clinician clinician) => Problems.FirstOf(
        () => Problems.Check(Validator, command),
        () => ClinicianLifecycle.Stale(clinician, command),
        () => ClinicianLifecycle.RequireNotOffboarded(clinician, "update the profile of"));

    public static object[] Decide(Clinician clinician, UpdateClinicianProfile command) =>
        command.Availability is { } availability && !availability.SequenceEqual(clinician.Availability)
            ? [new ClinicianProfileUpdated(command.ToProfile()), new ClinicianAvailabilityChanged(availability.Select(w => w.AsWeekly()).ToList())]
            : [new ClinicianProfileUpdated(command.ToProfile())];

    [WolverinePut("/api/clinicians/{clinicianId}/profile"), Authorize(Policy = Policies.DirectoryAdmin)]
    public static (ClinicianCommandResult, Events) Put(
        UpdateClinicianProfile command, [WriteAggregate("clinicianId")] Clinician clinician)
    {
        var events = Decide(clinician, command);
        return (ClinicianCommandResult.After(clinician, events), new Events(events));
    }
}
