using System.Globalization;
using CsvHelper;
using Matching.Service.Infrastructure;
using Microsoft.Net.Http.Headers;
using Matching.Service.Shared;

namespace Matching.Service.Reports;

/// <summary>`Accept: text/csv` answers: the report's rows as CSV, its freshness in response headers.</summary>
public static class ReportCsv
{
    public const string ContentType = "text/csv";

    public static bool Wanted(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(ContentType, StringComparison.OrdinalIgnoreCase)
                                                  && (a.Quality ?? 1) > 0);

    public static IResult Result(HttpResponse response, ReportAsOf asOf, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object?>> rows)
    {
        response.Headers["X-Report-As-Of-Sequence"] = asOf.Sequence.ToString(CultureInfo.InvariantCulture);
        if (asOf.At is { } at) response.Headers["X-Report-As-Of"] = at.ToString("O", CultureInfo.InvariantCulture);

        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, CsvFiles.Options, leaveOpen: true))
        {
            foreach (var name in header) csv.WriteField(name);
            csv.EndRecord();
            foreach (var row in rows)
            {
                // Numbers, dates and ids go in typed, so they stay numbers; text (names, labels) is guarded against injection.
                foreach (var value in row) csv.WriteField(value is Enum e ? Words.Wire(e) : value);
                csv.EndRecord();
            }
            csv.Flush();
        }
        return Results.Text(text.ToString(), new MediaTypeHeaderValue(ContentType) { Charset = "utf-8" }.ToString());
    }
}
