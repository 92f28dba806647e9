using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Matching.Service.Clinicians;

/// <summary>Every clinician command may carry the stream version its sender last saw.</summary>
public interface IClinicianCommand
{
    int? ExpectedVersion { get; }
}

/// <summary>What every clinician command answers: where the clinician's stream is now.</summary>
public record ClinicianCommandResult(Guid ClinicianId, long Version)
{
    public static ClinicianCommandResult After(Clinician clinician, IReadOnlyCollection<object> events) =>
        new(clinician.Id, clinician.Version + events.Count);
}

/// <summary>The checks clinician commands start with, after their input checks.</summary>
public static class ClinicianLifecycle
{
    /// <summary>409 when the caller saw an older version than the stream's.</summary>
    public static ProblemDetails Stale(Clinician clinician, IClinicianCommand command) =>
        command.ExpectedVersion is { } expected && expected != clinician.Version
            ? Titled(Problems.StaleVersion(expected, clinician.Version))
            : Problems.NoProblems;

    /// <summary>409 once the clinician has left the directory: their stream is closed to changes.</summary>
    public static ProblemDetails RequireNotOffboarded(Clinician clinician, string action) =>
        clinician.Offboarded
            ? Conflict($"Can't {action} an offboarded clinician.", "clinicianOffboarded")
            : Problems.NoProblems;

    public static ProblemDetails Conflict(string detail, string code) => Titled(Problems.Conflict(detail, code));

    private static ProblemDetails Titled(ProblemDetails problem)
    {
        problem.Title = "The clinician's state does not allow this.";
        return problem;
    }
}
