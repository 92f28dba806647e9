using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Matching.Service.Infrastructure;

/// <summary>RFC 9457 answers for refused commands: 400 with an errors map, 404, 409.</summary>
public static class Problems
{
    /// <summary>
    /// "Go on": the one value every check and Validate answers when nothing is wrong. Wolverine's generated code
    /// compares a Validate's answer with this instance (a null would be written out as a problem), so no check says
    /// null for it.
    /// </summary>
    public static ProblemDetails NoProblems => WolverineContinue.NoProblems;

    public static ProblemDetails Invalid(string field, string message) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemDetails Invalid(IDictionary<string, string[]> errors) =>
        new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is invalid.",
            Type = "https://tools.ietf.org/html/rfc9110#section-15.5.1"
        };

    public static ProblemDetails NotFound(string what) => new()
    {
        Status = StatusCodes.Status404NotFound,
        Title = $"No such {what}.",
        Type = "https://tools.ietf.org/html/rfc9110#section-15.5.5"
    };

    public static ProblemDetails Conflict(string detail, string? code = null)
    {
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Title = "The referral's state does not allow this.",
            Detail = detail,
            Type = "https://tools.ietf.org/html/rfc9110#section-15.5.10"
        };
        if (code is not null) problem.Extensions["code"] = code;
        return problem;
    }

    public static ProblemDetails StaleVersion(long expected, long actual) => Conflict(
        $"Expected version {expected}, but the stream is at version {actual}: someone else changed it first.",
        "staleVersion");

    /// <summary>Runs a FluentValidation validator: <see cref="NoProblems"/> when the input is valid.</summary>
    public static ProblemDetails Check<T>(IValidator<T> validator, T? input) where T : class
    {
        if (input is null) return Invalid("body", "A JSON body is required.");
        var result = validator.Validate(input);
        return result.IsValid ? NoProblems : Invalid(ToErrors(result));
    }

    public static Dictionary<string, string[]> ToErrors(ValidationResult result) =>
        result.Errors
            .GroupBy(e => CamelPath(e.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());

    // "Client.FirstName" -> "client.firstName", "Concerns[0]" -> "concerns[0]"
    private static string CamelPath(string path) =>
        string.Join('.', path.Split('.').Select(part =>
            part.Length == 0 ? part : char.ToLowerInvariant(part[0]) + part[1..]));

    /// <summary>The first problem that is not <see cref="NoProblems"/>, or <see cref="NoProblems"/>.</summary>
    public static ProblemDetails FirstOf(params Func<ProblemDetails>[] checks)
    {
        foreach (var check in checks)
        {
            var problem = check();
            if (!ReferenceEquals(problem, NoProblems)) return problem;
        }
        return NoProblems;
    }
}
