using FluentValidation;
using Matching.Service.Infrastructure;
using Matching.Service.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Clinicians.Availability;

/// <summary>The whole weekly availability, replaced; an empty list clears it.</summary>
public sealed record ChangeClinicianAvailability(IReadOnlyList<AvailabilityWindow>? Availability, int? ExpectedVersion)
    : IClinicianCommand, ICommand<ClinicianCommandResult>
{
    [NotFromBody] public Guid ClinicianId { get; init; }
}

public sealed class ChangeClinicianAvailabilityValidator : AbstractValidator<ChangeClinicianAvailability>
{
    public ChangeClinicianAvailabilityValidator()
    {
        RuleFor(x => x.Availability).NotNull().WithMessage("Give the weekly availability (an empty list clears it).");
        this.WeeklyAvailability(x => x.Availability);
    }
}

public static class ChangeClinicianAvailabilityHandler
{
    public static ProblemDetails Validate(ChangeClinicianAvailability command, Clinician? clinician, IValidator<ChangeClinicianAvailability> validator) => Problems.FirstOf(
        () => Problems.Check(validator, command),
        () => ClinicianLifecycle.Exists(clinician),
        () => ClinicianLifecycle.Stale(clinician!, command),
        () => ClinicianLifecycle.RequireNotOffboarded(clinician!, "change the availability of"));

    public static object[] Decide(Clinician clinician, ChangeClinicianAvailability command) =>
        [new ClinicianAvailabilityChanged(command.Availability!.Select(w => w.AsWeekly()).ToList())];

    public static (ClinicianCommandResult, Events) Handle(ChangeClinicianAvailability command, [WriteAggregate(Required = false)] Clinician clinician) =>
        ClinicianCommandResult.With(clinician, Decide(clinician, command));
}

public static class ChangeClinicianAvailabilityEndpoint
{
    [WolverinePut("/api/clinicians/{clinicianId}/availability"), Authorize(Policy = Policies.OwnClinicianRecord)]
    public static Task<HttpAnswer<ClinicianCommandResult>> Put(Guid clinicianId, ChangeClinicianAvailability command, IMessageBus bus, CancellationToken cancellation) =>
        bus.AnswerHttpAsync(command with { ClinicianId = clinicianId }, cancellation);
}
