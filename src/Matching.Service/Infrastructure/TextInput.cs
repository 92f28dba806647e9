using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Matching.Service.Infrastructure;

/// <summary>
/// What text the service takes in: no control characters, except tab and line breaks in free text (a note, the
/// intake's notes, a reason). PostgreSQL can't store NUL at all (a request holding one used to fail as a 500 whose
/// log quoted the text around it), and the others have no place in a name, a code or an address.
/// </summary>
public static class TextInput
{
    public const string Message = "Remove the control characters (such as NUL); only notes and reasons may hold tabs and line breaks.";

    /// <summary>Free text by its field's name: note, notes, reason and any …Reason (overrideReason).</summary>
    public static bool IsFreeText(string? field) =>
        field is not null
        && (field.Equals("note", StringComparison.OrdinalIgnoreCase)
            || field.Equals("notes", StringComparison.OrdinalIgnoreCase)
            || field.EndsWith("reason", StringComparison.OrdinalIgnoreCase));

    public static bool IsAllowed(ReadOnlySpan<char> value, bool freeText)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c) && !(freeText && c is '\t' or '\n' or '\r')) return false;
        }
        return true;
    }
}

/// <summary>
/// What the service checks in a JSON body before any endpoint reads it, with the path of the field at fault
/// (<c>client.firstName</c>, <c>languages[0]</c>, <c>availability[1].from</c>): text holding control characters its
/// field may not (<see cref="TextInput"/>), and a key given twice in one object (a safety answer sent as
/// "nearlyEveryDay" and then "notAtAll" must not pass as the last one). A body that is not readable JSON is left to the
/// endpoint, which answers 400 with the reason.
/// </summary>
public static class JsonBodyScan
{
    public const string DuplicateMessage = "Give each field once.";

    public static (string Field, string Message)? FirstProblem(ReadOnlySpan<byte> json)
    {
        var frames = new List<Frame>();
        try
        {
            var reader = new Utf8JsonReader(json);
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        var frame = frames[^1];
                        frame.Name = reader.GetString();
                        if (!frame.Seen.Add(frame.Name!)) return (Path(frames), DuplicateMessage);
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        continue;
                }

                // A value starts: count it in its array, check it if it is text, enter it if it is a container.
                if (frames.Count > 0 && frames[^1].IsArray) frames[^1].Index++;
                if (reader.TokenType == JsonTokenType.String
                    && !TextInput.IsAllowed(reader.GetString(), TextInput.IsFreeText(FieldName(frames))))
                    return (Path(frames), TextInput.Message);
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    frames.Add(new Frame(reader.TokenType == JsonTokenType.StartArray));
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not JSON, or not text a string can hold: the endpoint's own reading refuses it.
        }
        return null;
    }

    /// <summary>The name of the field a value belongs to: a list's items belong to the list.</summary>
    private static string? FieldName(List<Frame> frames)
    {
        for (var i = frames.Count - 1; i >= 0; i--)
        {
            if (!frames[i].IsArray) return frames[i].Name;
        }
        return null;
    }

    private static string Path(List<Frame> frames)
    {
        var path = new System.Text.StringBuilder();
        foreach (var frame in frames)
        {
            if (frame.IsArray) path.Append('[').Append(frame.Index).Append(']');
            else path.Append(path.Length == 0 ? "" : ".").Append(frame.Name);
        }
        return path.Length == 0 ? "body" : path.ToString();
    }

    private sealed class Frame(bool isArray)
    {
        public bool IsArray { get; } = isArray;
        public string? Name { get; set; }
        public int Index { get; set; } = -1;
        public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);
    }
}

/// <summary>The same rule for the pages' forms: a field holding a control character it may not is refused with 400.</summary>
public sealed class TextInputPageFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var request = context.HttpContext.Request;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(context.HttpContext.RequestAborted);
            foreach (var (key, values) in form)
            {
                // "Form.Notes" is the field "Notes".
                var field = key[(key.LastIndexOf('.') + 1)..];
                if (values.All(v => IsAllowed(v, field))) continue;
                context.Result = new ProblemResult(Problems.Invalid(key, TextInput.Message));
                return;
            }
        }
        await next();
    }

    private static bool IsAllowed(string? value, string field) => TextInput.IsAllowed(value, TextInput.IsFreeText(field));

    /// <summary>The problem written as the API writes it (problem+json through the problem details service).</summary>
    private sealed class ProblemResult(ProblemDetails problem) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context) => Results.Problem(problem).ExecuteAsync(context.HttpContext);
    }
}
