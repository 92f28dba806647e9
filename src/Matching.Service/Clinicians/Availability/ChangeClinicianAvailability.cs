using FluentValidation;
using Matching.Service.Infrastructure;
using Matching.Service.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Clinicians.Availability;

/// <summary>The whole weekly availability, replaced; an empty list clears it.</summary>
public sealed record ChangeClinicianAvailability(IReadOnlyList<AvailabilityWindow>? Availability, int? ExpectedVersion)
    : IClinicianCommand;

public sealed class ChangeClinicianAvailabilityValidator : AbstractValidator<ChangeClinicianAvailability>
{
    public ChangeClinicianAvailabilityValidator()
    {
        RuleFor(x => x.Availability).NotNull().WithMessage("Give the weekly availability (an empty list clears it).");
        this.WeeklyAvailability(x => x.Availability);
    }
}

public static class ChangeClinicianAvailabilityEndpoint
{
    private static readonly ChangeClinicianAvailabilityValidator Validator = new();

    public static ProblemDetails Validate(ChangeClinicianAvailability command, Clinician clinician) => Problems.FirstOf(
        () => Problems.Check(Validator, command),
        () => ClinicianLifecycle.Stale(clinician, command),
        () => ClinicianLifecycle.RequireNotOffboarded(clinician, "change the availability of"));

    public static object[] Decide(Clinician clinician, ChangeClinicianAvailability command) =>
        [new ClinicianAvailabilityChanged(command.Availability!.Select(w => w.AsWeekly()).ToList())];

    [WolverinePut("/api/clinicians/{clinicianId}/availability"), Authorize(Policy = Policies.DirectoryAdmin)]
    public static (ClinicianCommandResult, Events) Put(
        ChangeClinicianAvailability command, [WriteAggregate("clinicianId")] Clinician clinician)
    {
        var events = Decide(clinician, command);
        return (ClinicianCommandResult.After(clinician, events), new Events(events));
    }
}
