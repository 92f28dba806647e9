using FluentValidation;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Clinicians.Pausing;

public sealed record ResumeClinician(string? Reason, int? ExpectedVersion) : IClinicianCommand;

public sealed class ResumeClinicianValidator : AbstractValidator<ResumeClinician>
{
    public static readonly ResumeClinicianValidator Instance = new();

    private ResumeClinicianValidator() => RuleFor(x => x.Reason).MaximumLength(1000).WithMessage("At most 1000 characters.");
}

public static class ResumeClinicianEndpoint
{
    public static ProblemDetails Validate(ResumeClinician command, Clinician clinician) => Problems.FirstOf(
        () => Problems.Check(ResumeClinicianValidator.Instance, command),
        () => ClinicianLifecycle.Stale(clinician, command),
        () => ClinicianLifecycle.RequireNotOffboarded(clinician, "resume"),
        () => clinician.Paused ? Problems.NoProblems : ClinicianLifecycle.Conflict("The clinician is not paused.", "notPaused"));

    public static object[] Decide(Clinician clinician, ResumeClinician command) =>
        [new ClinicianResumed(string.IsNullOrWhiteSpace(command.Reason) ? null : command.Reason.Trim())];

    [WolverinePost("/api/clinicians/{clinicianId}/resume"), Authorize(Policy = Policies.DirectoryAdmin)]
    public static (ClinicianCommandResult, Events) Post(
        ResumeClinician command, [WriteAggregate("clinicianId")] Clinician clinician)
    {
        var events = Decide(clinician, command);
        return (ClinicianCommandResult.After(clinician, events), new Events(events));
    }
}
