using System.Globalization;
using System.Text.Encodings.Web;
using JasperFx;
using JasperFx.Events;
using Matching.Service.Infrastructure;
using Npgsql;
using Wolverine;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Service.Web;

/// <summary>
/// What every page shares: the API's problem details turned into messages next to the fields they
/// name (400) or at the top of the page (404, 409), and a one-time message after a successful post.
/// </summary>
public abstract class AppPage : PageModel
{
    public const string StaleMessage = "Someone else made a change here first — here is the latest.";

    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The message shown at the top of the page when a command was refused.</summary>
    public string? Problem { get; private set; }

    /// <summary>The refused command's form, so the page can open it again.</summary>
    public string? FailedAction { get; set; }

    [TempData] public string? Flash { get; set; }

    public string? Err(string key) => Errors.TryGetValue(key, out var messages) ? string.Join(" ", messages) : null;

    /// <summary>The field's error paragraph, referenced by the field's aria-describedby.</summary>
    public IHtmlContent ErrorFor(string key)
    {
        if (Err(key) is not { } message) return HtmlString.Empty;
        var encoder = HtmlEncoder.Default;
        return new HtmlString($"<p class=\"field-error\" id=\"{encoder.Encode(ErrorId(key))}\">{encoder.Encode(message)}</p>");
    }

    public static string ErrorId(string key) => "error-" + key.Replace('.', '-').Replace('[', '-').Replace("]", "");

    /// <summary>aria attributes for a field: invalid and described by its error when it has one.</summary>
    public IHtmlContent Aria(string key) => Err(key) is null
        ? HtmlString.Empty
        : new HtmlString($"aria-invalid=\"true\" aria-describedby=\"{HtmlEncoder.Default.Encode(ErrorId(key))}\"");

    protected void Show(ProblemDetails problem)
    {
        if (problem is HttpValidationProblemDetails validation && validation.Errors.Count > 0)
        {
            foreach (var (key, messages) in validation.Errors) Errors[key] = messages;
            Problem = "Please check the fields marked below.";
            return;
        }
        var code = problem.Extensions.TryGetValue("code", out var value) ? value?.ToString() : null;
        Problem = code == "staleVersion" ? StaleMessage
            : problem.Status == StatusCodes.Status404NotFound ? problem.Title ?? "Not found."
            : problem.Detail ?? problem.Title ?? "That could not be done.";
        if (problem.Extensions.TryGetValue("failedFilters", out var filters) && filters is IEnumerable<string> list)
            Problem += " Failed filters: " + string.Join(", ", list.Select(Display.Key)) + ".";
    }

    /// <summary>
    /// Sends a command to its handler, the one the API's route invokes, and reads the answer as a page shows it: null when
    /// it was carried out, else the refusal. A write that lost to a concurrent one reads as the API's 409.
    /// </summary>
    protected static async Task<ProblemDetails?> SendAsync<TResult>(IMessageBus bus, ICommand<TResult> command, CancellationToken cancellation)
        where TResult : class, IAnswer => (await AnswerAsync(bus, command, cancellation)).Problem;

    /// <summary>As <see cref="SendAsync{TResult}"/>, for a page that shows what the command answered (a new link, say).</summary>
    protected static async Task<Answer<TResult>> AnswerAsync<TResult>(IMessageBus bus, ICommand<TResult> command, CancellationToken cancellation)
        where TResult : class, IAnswer
    {
        try
        {
            return await bus.AskAsync(command, cancellation);
        }
        catch (Exception e) when (Caused<PostgresException>(e) is { SqlState: PostgresErrorCodes.ExclusionViolation })
        {
            return new(null, Problems.Conflict("That time overlaps another first session of this clinician.", "sessionOverlap"));
        }
        catch (Exception e) when (Caused<ConcurrencyException>(e) is not null || Caused<EventStreamUnexpectedMaxEventIdException>(e) is not null
                                  || Caused<PostgresException>(e) is { SqlState: PostgresErrorCodes.SerializationFailure })
        {
            return new(null, Problems.Conflict("Someone else changed this first.", "staleVersion"));
        }
    }

    private static T? Caused<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T match) return match;
        }
        return null;
    }

    public static string Time(DateTimeOffset? at, TimeZoneInfo zone) =>
        at is { } value ? TimeZoneInfo.ConvertTime(value, zone).ToString("ddd d MMM yyyy, HH:mm", CultureInfo.InvariantCulture) : "";

    protected string Actor => Infrastructure.Actor.From(User).Sub;
}
