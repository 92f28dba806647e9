using System.Globalization;

namespace Matching.Service.Infrastructure;

/// <summary>
/// The dates a query may name (audit and report ranges): wide enough for any real question, narrow enough that the
/// day or the offset added to one can't overflow (<c>to=9999-12-31</c> once ended as a 500).
/// </summary>
public static class QueryDates
{
    public static readonly DateOnly Earliest = new(1900, 1, 1);
    public static readonly DateOnly Latest = new(2999, 12, 31);

    public static readonly string OutOfRange =
        $"Give a date from {Earliest.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} to {Latest.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.";

    public static bool InRange(DateOnly date) => date >= Earliest && date <= Latest;

    /// <summary>A YYYY-MM-DD date, whatever its range.</summary>
    public static bool TryParse(string value, out DateOnly date) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}
