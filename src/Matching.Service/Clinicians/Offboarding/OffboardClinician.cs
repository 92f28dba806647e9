using FluentValidation;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Clinicians.Offboarding;

public sealed record OffboardClinician(string? Reason, int? ExpectedVersion) : IClinicianCommand;

public sealed class OffboardClinicianValidator : AbstractValidator<OffboardClinician>
{
    public static readonly OffboardClinicianValidator Instance = new();

    private OffboardClinicianValidator() =>
        RuleFor(x => x.Reason).NotEmpty().WithMessage("Say why the clinician is leaving the directory.")
            .MaximumLength(1000).WithMessage("At most 1000 characters.");
}

public static class OffboardClinicianEndpoint
{
    public static ProblemDetails Validate(OffboardClinician command, Clinician clinician) => Problems.FirstOf(
        () => Problems.Check(OffboardClinicianValidator.Instance, command),
        () => ClinicianLifecycle.Stale(clinician, command),
        () => ClinicianLifecycle.RequireNotOffboarded(clinician, "offboard"));

    public static object[] Decide(Clinician clinician, OffboardClinician command) =>
        [new ClinicianOffboarded(command.Reason!.Trim())];

    [WolverinePost("/api/clinicians/{clinicianId}/offboard"), Authorize(Policy = Policies.DirectoryAdmin)]
    public static (ClinicianCommandResult, Events) Post(
        OffboardClinician command, [WriteAggregate("clinicianId")] Clinician clinician)
    {
        var events = Decide(clinician, command);
        return (ClinicianCommandResult.After(clinician, events), new Events(events));
    }
}
