using CsvHelper;

namespace Matching.Service.Infrastructure;

/// <summary>The one configuration of every CSV the service writes: the audit export and the reports.</summary>
public static class CsvFiles
{
    /// <summary>
    /// RFC 4180, with OWASP's guard against CSV injection: a text cell that starts with = + - @, a tab or a carriage return
    /// gets a leading apostrophe (and quotes), so a spreadsheet shows it as text instead of running it as a formula. The
    /// guard is on text only: numbers, dates, ids and booleans written as such can't be formulas, so a report's counts and
    /// rates stay numbers an analyst can sum and chart (a negative one stays -3, not the text '-3).
    /// </summary>
    public static readonly CsvWriterOptions Options = CsvWriterOptions.Default with { Injection = CsvInjection.Escape };
}
