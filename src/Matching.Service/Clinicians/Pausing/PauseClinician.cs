using FluentValidation;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Clinicians.Pausing;

/// <summary>A pause (leave, full schedule) keeps the clinician from new proposals without changing capacity.</summary>
public sealed record PauseClinician(string? Reason, int? ExpectedVersion) : IClinicianCommand, ICommand<ClinicianCommandResult>
{
    [NotFromBody] public Guid ClinicianId { get; init; }
}

public sealed class PauseClinicianValidator : AbstractValidator<PauseClinician>
{
    public PauseClinicianValidator() => RuleFor(x => x.Reason).MaximumLength(1000).WithMessage("At most 1000 characters.");
}

public static class PauseClinicianHandler
{
    public static ProblemDetails Validate(PauseClinician command, Clinician? clinician, IValidator<PauseClinician> validator) => Problems.FirstOf(
        () => Problems.Check(validator, command),
        () => ClinicianLifecycle.Exists(clinician),
        () => ClinicianLifecycle.Stale(clinician!, command),
        () => ClinicianLifecycle.RequireNotOffboarded(clinician!, "pause"),
        () => clinician!.Paused ? ClinicianLifecycle.Conflict("The clinician is already paused.", "alreadyPaused") : Problems.NoProblems);

    public static object[] Decide(Clinician clinician, PauseClinician command) =>
        [new ClinicianPaused(string.IsNullOrWhiteSpace(command.Reason) ? null : command.Reason.Trim())];

    public static (ClinicianCommandResult, Events) Handle(PauseClinician command, [WriteAggregate(Required = false)] Clinician clinician) =>
        ClinicianCommandResult.With(clinician, Decide(clinician, command));
}

public static class PauseClinicianEndpoint
{
    [WolverinePost("/api/clinicians/{clinicianId}/pause"), Authorize(Policy = Policies.OwnClinicianRecord)]
    public static Task<HttpAnswer<ClinicianCommandResult>> Post(Guid clinicianId, PauseClinician command, IMessageBus bus, CancellationToken cancellation) =>
        bus.AnswerHttpAsync(command with { ClinicianId = clinicianId }, cancellation);
}
