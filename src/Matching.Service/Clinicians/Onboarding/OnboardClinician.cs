using FluentValidation;
using Matching.Service.Infrastructure;
using Matching.Service.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Clinicians.Onboarding;

public sealed record OnboardClinician(
    string? Name,
    string? Credentials,
    string? Email,
    string? TimeZone,
    IReadOnlyList<string>? LicensedStates,
    IReadOnlyList<string>? OfficeStates,
    IReadOnlyList<SessionFormat>? Formats,
    IReadOnlyList<SessionType>? SessionTypes,
    IReadOnlyList<AgeGroup>? AgeGroups,
    IReadOnlyList<Concern>? Specialties,
    IReadOnlyList<Modality>? Modalities,
    IReadOnlyList<string>? Languages,
    IReadOnlyList<string>? Payers,
    decimal? SelfPayRate,
    decimal? SlidingScaleMin,
    Gender? Gender,
    bool? LgbtqAffirming,
    bool? BipocAffirming,
    bool? OffersKetamineAssistedTherapy,
    int? CaseloadLimit,
    int? WeeklyNewClientLimit,
    IReadOnlyList<AvailabilityWindow>? Availability,
    bool? AcceptingNewClients,
    string? OfficeAddress = null,
    string? TelehealthLink = null) : IClinicianProfileInput, ICommand<ClinicianOnboardedResult>;

public sealed class OnboardClinicianValidator : ClinicianProfileValidator<OnboardClinician>
{
    public OnboardClinicianValidator()
    {
        RuleFor(x => x.CaseloadLimit).NotNull().GreaterThanOrEqualTo(0).LessThanOrEqualTo(1000);
        RuleFor(x => x.WeeklyNewClientLimit).NotNull().GreaterThanOrEqualTo(0).LessThanOrEqualTo(100);
    }
}

/// <summary>201: the new clinician's id and stream version.</summary>
public sealed record ClinicianOnboardedResult(Guid ClinicianId, long Version) : IAnswer, ICreatedResult
{
    string ICreatedResult.Location => $"/api/clinicians/{ClinicianId}";
}

public static class OnboardClinicianHandler
{
    public static ProblemDetails Validate(OnboardClinician command, IValidator<OnboardClinician> validator) =>
        Problems.Check(validator, command) ?? Problems.NoProblems;

    /// <summary>A new clinician starts accepting new clients unless told otherwise.</summary>
    public static object[] Decide(OnboardClinician command) =>
    [
        new ClinicianOnboarded(
            command.ToProfile(),
            command.CaseloadLimit!.Value,
            command.WeeklyNewClientLimit!.Value,
            command.AcceptingNewClients ?? true,
            command.Availability?.Select(w => w.AsWeekly()).ToList() ?? [])
    ];

    public static (ClinicianOnboardedResult, IStartStream) Handle(OnboardClinician command)
    {
        var clinicianId = Guid.CreateVersion7();
        var events = Decide(command);
        return (new ClinicianOnboardedResult(clinicianId, events.Length), MartenOps.StartStream<Clinician>(clinicianId, events));
    }
}

public static class OnboardClinicianEndpoint
{
    [WolverinePost("/api/clinicians"), Authorize(Policy = Policies.DirectoryAdmin)]
    public static Task<HttpAnswer<ClinicianOnboardedResult>> Post(OnboardClinician command, IMessageBus bus, CancellationToken cancellation) =>
        bus.AnswerHttpAsync(command, cancellation);
}
