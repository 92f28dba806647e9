using FluentValidation;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Clinicians.Capacity;

/// <summary>All three required: a missing acceptingNewClients is a 400, never a silent keep or default.</summary>
public sealed record ChangeClinicianCapacity(
    int? CaseloadLimit, int? WeeklyNewClientLimit, bool? AcceptingNewClients, int? ExpectedVersion) : IClinicianCommand;

public sealed class ChangeClinicianCapacityValidator : AbstractValidator<ChangeClinicianCapacity>
{
    public ChangeClinicianCapacityValidator()
    {
        RuleFor(x => x.CaseloadLimit).NotNull().GreaterThanOrEqualTo(0).LessThanOrEqualTo(1000);
        RuleFor(x => x.WeeklyNewClientLimit).NotNull().GreaterThanOrEqualTo(0).LessThanOrEqualTo(100);
        RuleFor(x => x.AcceptingNewClients).NotNull().WithMessage("Say whether the clinician accepts new clients (true or false).");
    }
}

public static class ChangeClinicianCapacityEndpoint
{
    private static readonly ChangeClinicianCapacityValidator Validator = new();

    public static ProblemDetails Validate(ChangeClinicianCapacity command, Clinician clinician) => Problems.FirstOf(
        () => Problems.Check(Validator, command),
        () => ClinicianLifecycle.Stale(clinician, command),
        () => ClinicianLifecycle.RequireNotOffboarded(clinician, "change the capacity of"));

    public static object[] Decide(Clinician clinician, ChangeClinicianCapacity command) =>
    [
        new ClinicianCapacityChanged(
            command.CaseloadLimit!.Value,
            command.WeeklyNewClientLimit!.Value,
            command.AcceptingNewClients!.Value)
    ];

    [WolverinePut("/api/clinicians/{clinicianId}/capacity"), Authorize(Policy = Policies.DirectoryAdmin)]
    public static (ClinicianCommandResult, Events) Put(
        ChangeClinicianCapacity command, [WriteAggregate("clinicianId")] Clinician clinician)
    {
        var events = Decide(clinician, command);
        return (ClinicianCommandResult.After(clinician, events), new Events(events));
    }
}
