using FluentValidation;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Clinicians.Capacity;

/// <summary>All three required: a missing acceptingNewClients is a 400, never a silent keep or default.</summary>
public sealed record ChangeClinicianCapacity(
    int? CaseloadLimit, int? WeeklyNewClientLimit, bool? AcceptingNewClients, int? ExpectedVersion) : IClinicianCommand, ICommand<ClinicianCommandResult>
{
    [NotFromBody] public Guid ClinicianId { get; init; }
}

public sealed class ChangeClinicianCapacityValidator : AbstractValidator<ChangeClinicianCapacity>
{
    public ChangeClinicianCapacityValidator()
    {
        RuleFor(x => x.CaseloadLimit).NotNull().GreaterThanOrEqualTo(0).LessThanOrEqualTo(1000);
        RuleFor(x => x.WeeklyNewClientLimit).NotNull().GreaterThanOrEqualTo(0).LessThanOrEqualTo(100);
        RuleFor(x => x.AcceptingNewClients).NotNull().WithMessage("Say whether the clinician accepts new clients (true or false).");
    }
}

public static class ChangeClinicianCapacityHandler
{
    public static ProblemDetails Validate(ChangeClinicianCapacity command, Clinician? clinician, IValidator<ChangeClinicianCapacity> validator) => Problems.FirstOf(
        () => Problems.Check(validator, command),
        () => ClinicianLifecycle.Exists(clinician),
        () => ClinicianLifecycle.Stale(clinician!, command),
        () => ClinicianLifecycle.RequireNotOffboarded(clinician!, "change the capacity of"));

    public static object[] Decide(Clinician clinician, ChangeClinicianCapacity command) =>
    [
        new ClinicianCapacityChanged(
            command.CaseloadLimit!.Value,
            command.WeeklyNewClientLimit!.Value,
            command.AcceptingNewClients!.Value)
    ];

    public static (ClinicianCommandResult, Events) Handle(ChangeClinicianCapacity command, [WriteAggregate(Required = false)] Clinician clinician) =>
        ClinicianCommandResult.With(clinician, Decide(clinician, command));
}

public static class ChangeClinicianCapacityEndpoint
{
    [WolverinePut("/api/clinicians/{clinicianId}/capacity"), Authorize(Policy = Policies.OwnClinicianRecord)]
    public static Task<HttpAnswer<ClinicianCommandResult>> Put(Guid clinicianId, ChangeClinicianCapacity command, IMessageBus bus, CancellationToken cancellation) =>
        bus.AnswerHttpAsync(command with { ClinicianId = clinicianId }, cancellation);
}
