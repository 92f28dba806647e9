using FluentValidation;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Clinicians.Pausing;

/// <summary>A pause (leave, full schedule) keeps the clinician from new proposals without changing capacity.</summary>
public sealed record PauseClinician(string? Reason, int? ExpectedVersion) : IClinicianCommand;

public sealed class PauseClinicianValidator : AbstractValidator<PauseClinician>
{
    public static readonly PauseClinicianValidator Instance = new();

    private PauseClinicianValidator() => RuleFor(x => x.Reason).MaximumLength(1000).WithMessage("At most 1000 characters.");
}

public static class PauseClinicianEndpoint
{
    public static ProblemDetails Validate(PauseClinician command, Clinician clinician) => Problems.FirstOf(
        () => Problems.Check(PauseClinicianValidator.Instance, command),
        () => ClinicianLifecycle.Stale(clinician, command),
        () => ClinicianLifecycle.RequireNotOffboarded(clinician, "pause"),
        () => clinician.Paused ? ClinicianLifecycle.Conflict("The clinician is already paused.", "alreadyPaused") : Problems.NoProblems);

    public static object[] Decide(Clinician clinician, PauseClinician command) =>
        [new ClinicianPaused(string.IsNullOrWhiteSpace(command.Reason) ? null : command.Reason.Trim())];

    [WolverinePost("/api/clinicians/{clinicianId}/pause"), Authorize(Policy = Policies.DirectoryAdmin)]
    public static (ClinicianCommandResult, Events) Post(
        PauseClinician command, [WriteAggregate("clinicianId")] Clinician clinician)
    {
        var events = Decide(clinician, command);
        return (ClinicianCommandResult.After(clinician, events), new Events(events));
    }
}
