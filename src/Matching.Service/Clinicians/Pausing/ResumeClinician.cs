using FluentValidation;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Clinicians.Pausing;

public sealed record ResumeClinician(string? Reason, int? ExpectedVersion) : IClinicianCommand, ICommand<ClinicianCommandResult>
{
    [NotFromBody] public Guid ClinicianId { get; init; }
}

public sealed class ResumeClinicianValidator : AbstractValidator<ResumeClinician>
{
    public ResumeClinicianValidator() => RuleFor(x => x.Reason).MaximumLength(1000).WithMessage("At most 1000 characters.");
}

public static class ResumeClinicianHandler
{
    public static ProblemDetails Validate(ResumeClinician command, Clinician? clinician, IValidator<ResumeClinician> validator) => Problems.FirstOf(
        () => Problems.Check(validator, command),
        () => ClinicianLifecycle.Exists(clinician),
        () => ClinicianLifecycle.Stale(clinician!, command),
        () => ClinicianLifecycle.RequireNotOffboarded(clinician!, "resume"),
        () => clinician!.Paused ? Problems.NoProblems : ClinicianLifecycle.Conflict("The clinician is not paused.", "notPaused"));

    public static object[] Decide(Clinician clinician, ResumeClinician command) =>
        [new ClinicianResumed(string.IsNullOrWhiteSpace(command.Reason) ? null : command.Reason.Trim())];

    public static (ClinicianCommandResult, Events) Handle(ResumeClinician command, [WriteAggregate(Required = false)] Clinician clinician) =>
        ClinicianCommandResult.With(clinician, Decide(clinician, command));
}

public static class ResumeClinicianEndpoint
{
    [WolverinePost("/api/clinicians/{clinicianId}/resume"), Authorize(Policy = Policies.OwnClinicianRecord)]
    public static Task<HttpAnswer<ClinicianCommandResult>> Post(Guid clinicianId, ResumeClinician command, IMessageBus bus, CancellationToken cancellation) =>
        bus.AnswerHttpAsync(command with { ClinicianId = clinicianId }, cancellation);
}
