using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Matching.Service.Infrastructure;

/// <summary>
/// Turns failures a client can cause into 4xx ProblemDetails: a concurrent writer got there first
/// (409), a database constraint refused the change (409), an unreadable body (400/413), text the database
/// can't store (400); and a database that is away (restarting, unreachable, out of connections) into 503 with
/// Retry-After, which a client can wait out. Everything else stays a 500. It is the only one to log a failed
/// request (ASP.NET Core's own logging is suppressed in <see cref="ServiceSetup"/>): one line, never the exception's
/// message or data, which can quote what the client sent (PostgreSQL quotes the JSON around a character it refuses).
/// </summary>
public sealed partial class ClientFailureHandler(IProblemDetailsService problems, ILogger<ClientFailureHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken token)
    {
        var (status, title, detail) = Classify(exception);
        var fhir = Fhir.FhirEndpoints.Serves(context.Request);
        if (status is null)
        {
            var innermost = Innermost(exception);
            // Types, state codes and the stack say where it broke; messages stay out.
            LogUnhandled(logger, exception.GetType().Name, innermost.GetType().Name, (innermost as PostgresException)?.SqlState,
                context.Request.Method, RouteOf(context), exception.StackTrace);
            // A FHIR client reads an OperationOutcome, for a 500 too.
            if (!fhir) return false;
        }

        context.Response.StatusCode = status ?? StatusCodes.Status500InternalServerError;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            logger.LogWarning("Database unavailable ({ExceptionType}) on {Method} {Route}: answered 503", Innermost(exception).GetType().Name,
                context.Request.Method, RouteOf(context));
        }
        if (fhir)
        {
            await Fhir.FhirEndpoints.WriteFailureAsync(context, context.Response.StatusCode,
                string.Join(" ", new[] { title ?? "The service failed on this request; it is logged, try again later.", detail }.OfType<string>()));
            return true;
        }
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail }
        });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled {ExceptionType} ({Cause}, SQL state {SqlState}) on {Method} {Route}: answered 500\n{StackTrace}")]
    private static partial void LogUnhandled(ILogger logger, string exceptionType, string cause, string? sqlState, string method, string route, string? stackTrace);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused {Method} {Route}: {Status} {Code} {Fields}")]
    private static partial void LogRefused(ILogger logger, string method, string route, int status, string? code, string? fields);

    /// <summary>The route's pattern (ids as placeholders), also while the exception handler runs; never the path a client typed.</summary>
    private static string RouteOf(HttpContext context) =>
        (context.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? context.GetEndpoint()) is RouteEndpoint route
            ? route.RoutePattern.RawText ?? "(no route)"
            : "(no route)";

    /// <summary>How long a client is asked to wait while the database is away: a restart takes a few seconds.</summary>
    public const int RetryAfterSeconds = 5;

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is not null) exception = exception.InnerException;
        return exception;
    }

    private static (int? Status, string? Title, string? Detail) Classify(Exception exception) =>
        DatabaseFailures.Classify(exception) switch
        {
            DatabaseFailure.StreamMoved or DatabaseFailure.StreamExists =>
                (409, "Someone else changed this first.", "The stream moved on while this command ran; reload and try again."),
            DatabaseFailure.TransactionConflict => (409, "Someone else changed this first.", "Try again."),
            DatabaseFailure.Overlap => (409, "That time overlaps another first session of this clinician.", null),
            DatabaseFailure.Duplicate => (409, "That would duplicate an existing record.", null),
            DatabaseFailure.Unavailable =>
                (503, "The service can't reach its database just now.", "Try again in a few seconds; a change sent just now may not have been saved."),
            DatabaseFailure.UnstorableText => (400, "The request holds characters that can't be stored.", null),
            _ => BadRequest(exception) is { } bad
                ? (bad.StatusCode, bad.StatusCode == 413 ? "The body is larger than 64 KiB." : "The request could not be read.", null)
                : (null, null, null)
        };

    private static BadHttpRequestException? BadRequest(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            if (e is BadHttpRequestException bad) return bad;
        return null;
    }

    /// <summary>
    /// Every problem the service answers passes here. Wolverine's own 400s get the contract's `errors` map, keyed by
    /// the field path: unreadable JSON (its detail names the JSON path) and a query value that doesn't parse. A 4xx is
    /// logged once, at Information: the route, the status, the code and the fields at fault, no values.
    /// </summary>
    public static void Describe(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Status == 400 && !problem.Extensions.ContainsKey("errors"))
        {
            if (problem.Title == "Invalid JSON format")
            {
                var match = JsonPath().Match(problem.Detail ?? "");
                var field = match.Success ? match.Groups[1].Value.TrimStart('$', '.') : "body";
                if (field.Length == 0) field = "body";
                var message = problem.Detail?.Split(" Path:")[0] ?? "Invalid JSON.";
                problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [message] };
            }
            else if (problem.Title == "Invalid query string value" && problem.Extensions.TryGetValue("parameter", out var parameter)
                     && parameter?.ToString() is { } name)
            {
                problem.Extensions["errors"] = new Dictionary<string, string[]> { [name] = ["This value can't be read; check its type."] };
            }
        }

        if (problem.Status is >= 400 and < 500)
        {
            var http = context.HttpContext;
            var fields = problem switch
            {
                HttpValidationProblemDetails validation => string.Join(",", validation.Errors.Keys),
                _ when problem.Extensions.TryGetValue("errors", out var errors) && errors is IDictionary<string, string[]> map => string.Join(",", map.Keys),
                _ => null
            };
            var code = problem.Extensions.TryGetValue("code", out var value) ? value?.ToString() : null;
            LogRefused(http.RequestServices.GetRequiredService<ILogger<ClientFailureHandler>>(), http.Request.Method, RouteOf(http),
                problem.Status.Value, code, fields);
        }
    }

    [GeneratedRegex(@"Path: (\S+) \|")]
    private static partial Regex JsonPath();
}

/// <summary>
/// 415 for bodies that aren't JSON, 413 for bodies over 64 KiB, and 400 for a bare `null` or what
/// <see cref="JsonBodyScan"/> finds (control characters, a key given twice), before any endpoint reads them.
/// </summary>
public sealed class BodyGuardMiddleware(RequestDelegate next)
{
    public const long MaxBodyBytes = 64 * 1024;

    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problems)
    {
        var request = context.Request;
        if (request.Path.StartsWithSegments("/api") && (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method)))
        {
            if (request.ContentLength > MaxBodyBytes)
            {
                await Refuse(context, problems, 413, "The body is larger than 64 KiB.");
                return;
            }

            var hasBody = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
            // The SMS provider's webhook posts a form, which its signature vouches for: not JSON to scan.
            if (hasBody && request.Path == Referrals.TextOptOut.InboundTextEndpoint.Route && request.HasFormContentType)
            {
                await next(context);
                return;
            }
            if (hasBody && !IsJson(request.ContentType))
            {
                await Refuse(context, problems, 415, "Send the body as application/json.");
                return;
            }

            if (hasBody)
            {
                // Bodies are small: read them whole, so a chunked body over the limit is a 413 and a
                // bare JSON `null` (which deserializes to no command at all) is a 400.
                var buffer = new MemoryStream();
                var chunk = new byte[8192];
                int read;
                while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
                {
                    buffer.Write(chunk, 0, read);
                    if (buffer.Length > MaxBodyBytes)
                    {
                        await Refuse(context, problems, 413, "The body is larger than 64 KiB.");
                        return;
                    }
                }

                var body = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
                var invalid = IsJsonNull(body) ? Problems.Invalid("body", "The body must be a JSON object.")
                    : JsonBodyScan.FirstProblem(body) is var (field, message) ? Problems.Invalid(field, message)
                    : null;
                if (invalid is not null)
                {
                    context.Response.StatusCode = 400;
                    await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = invalid });
                    return;
                }

                buffer.Position = 0;
                request.Body = buffer;
                request.ContentLength = buffer.Length;
            }
        }

        await next(context);
    }

    private static bool IsJsonNull(ReadOnlySpan<byte> body) =>
        System.Text.Encoding.UTF8.GetString(body).Trim() == "null";

    private static bool IsJson(string? contentType) =>
        contentType is not null
        && (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            || (contentType.StartsWith("application/", StringComparison.OrdinalIgnoreCase)
                && contentType.Split(';')[0].EndsWith("+json", StringComparison.OrdinalIgnoreCase)));

    private static async Task Refuse(HttpContext context, IProblemDetailsService problems, int status, string title)
    {
        context.Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title }
        });
    }
}
