using Matching.Service.Shared;
using System.Globalization;
using System.Text.RegularExpressions;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Matching.Service.Audit;

/// <summary>
/// A time range from the query string: ISO-8601 date-times, or dates read as whole days in the
/// practice's time zone (<c>to</c> inclusive). Held as [From, Until).
/// </summary>
public sealed partial record AuditRange(DateTimeOffset? From, DateTimeOffset? Until)
{
    public static (AuditRange? Range, ProblemDetails? Problem) Parse(string? from, string? to, MatchingOptions options)
    {
        var errors = new Dictionary<string, string[]>();
        var start = Read(from, "from", endOfDay: false, options, errors);
        var until = Read(to, "to", endOfDay: true, options, errors);
        if (errors.Count == 0 && start is not null && until is not null && start >= until)
            errors["to"] = ["Give a 'to' after 'from'."];
        return errors.Count > 0 ? (null, Problems.Invalid(errors)) : (new AuditRange(start, until), null);
    }

    public string Describe() =>
        $"from={(From is { } f ? AuditChain.Instant(f) : "")}&until={(Until is { } u ? AuditChain.Instant(u) : "")}";

    private static DateTimeOffset? Read(string? value, string field, bool endOfDay, MatchingOptions options, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (DateOnlyPattern().IsMatch(value) && QueryDates.TryParse(value, out var date))
        {
            if (!QueryDates.InRange(date)) return OutOfRange(field, errors);
            return PracticeTime.StartOfDay(endOfDay ? date.AddDays(1) : date, options.TimeZone).ToUniversalTime();
        }
        if (DateTimePattern().IsMatch(value)
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            if (!QueryDates.InRange(DateOnly.FromDateTime(instant.UtcDateTime))) return OutOfRange(field, errors);
            // An inclusive 'to' instant: stored times have microseconds, so one more microsecond is the open end.
            return endOfDay ? instant.ToUniversalTime().AddTicks(10) : instant.ToUniversalTime();
        }
        errors[field] = ["Give an ISO-8601 date (2026-03-02) or date-time (2026-03-02T16:00:00Z)."];
        return null;
    }

    private static DateTimeOffset? OutOfRange(string field, Dictionary<string, string[]> errors)
    {
        errors[field] = [QueryDates.OutOfRange];
        return null;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex DateOnlyPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?$")]
    private static partial Regex DateTimePattern();
}
