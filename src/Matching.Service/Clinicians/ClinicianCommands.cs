using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Marten;

namespace Matching.Service.Clinicians;

/// <summary>A command on one clinician's stream: which clinician (from the route), and the version its sender last saw.</summary>
public interface IClinicianCommand
{
    Guid ClinicianId { get; }
    int? ExpectedVersion { get; }
}

/// <summary>What every clinician command answers: where the clinician's stream is now.</summary>
public record ClinicianCommandResult(Guid ClinicianId, long Version) : IAnswer
{
    public static ClinicianCommandResult After(Clinician clinician, IReadOnlyCollection<object> events) =>
        new(clinician.Id, clinician.Version + events.Count);

    /// <summary>The usual return of a clinician command's handler: the answer and the events to append.</summary>
    public static (ClinicianCommandResult, Events) With(Clinician clinician, object[] events) => (After(clinician, events), new Events(events));
}

/// <summary>The checks clinician commands start with, after their input checks.</summary>
public static class ClinicianLifecycle
{
    /// <summary>404 when the command names a clinician who doesn't exist.</summary>
    public static ProblemDetails Exists(Clinician? clinician) => clinician is null ? Problems.NotFound("clinician") : Problems.NoProblems;

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
