using FluentValidation;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Clinicians.Offboarding;

public sealed record OffboardClinician(string? Reason, int? ExpectedVersion) : IClinicianCommand, ICommand<ClinicianCommandResult>
{
    [NotFromBody] public Guid ClinicianId { get; init; }
}

public sealed class OffboardClinicianValidator : AbstractValidator<OffboardClinician>
{
    public OffboardClinicianValidator() =>
        RuleFor(x => x.Reason).NotEmpty().WithMessage("Say why the clinician is leaving the directory.")
            .MaximumLength(1000).WithMessage("At most 1000 characters.");
}

public static class OffboardClinicianHandler
{
    public static ProblemDetails Validate(OffboardClinician command, Clinician? clinician, IValidator<OffboardClinician> validator) => Problems.FirstOf(
        () => Problems.Check(validator, command),
        () => ClinicianLifecycle.Exists(clinician),
        () => ClinicianLifecycle.Stale(clinician!, command),
        () => ClinicianLifecycle.RequireNotOffboarded(clinician!, "offboard"));

    public static object[] Decide(Clinician clinician, OffboardClinician command) =>
        [new ClinicianOffboarded(command.Reason!.Trim())];

    public static (ClinicianCommandResult, Events) Handle(OffboardClinician command, [WriteAggregate(Required = false)] Clinician clinician) =>
        ClinicianCommandResult.With(clinician, Decide(clinician, command));
}

public static class OffboardClinicianEndpoint
{
    [WolverinePost("/api/clinicians/{clinicianId}/offboard"), Authorize(Policy = Policies.DirectoryAdmin)]
    public static Task<HttpAnswer<ClinicianCommandResult>> Post(Guid clinicianId, OffboardClinician command, IMessageBus bus, CancellationToken cancellation) =>
        bus.AnswerHttpAsync(command with { ClinicianId = clinicianId }, cancellation);
}
