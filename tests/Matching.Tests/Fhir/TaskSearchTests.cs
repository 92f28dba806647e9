using Matching.Service.Fhir;

namespace Matching.Tests.Fhir;

/// <summary>A _lastUpdated value as the range of its precision (FHIR's date search; an instant from seconds on), without a database.</summary>
public class TaskSearchTests
{
    [Theory]
    [InlineData("2026", "eq", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("gt2026-12", "gt", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("le2026-12-01", "le", "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z")]
    [InlineData("ge2026-12-01T10:00+02:00", "ge", "2026-12-01T08:00:00Z", "2026-12-01T08:01:00Z")]
    [InlineData("lt2026-12-01T10:00:00-05:00", "lt", "2026-12-01T15:00:00Z", "2026-12-01T15:00:00.000001Z")]
    [InlineData("gt2026-12-01T10:00:00.123456Z", "gt", "2026-12-01T10:00:00.123456Z", "2026-12-01T10:00:00.123457Z")]
    [InlineData("ne2026-12-01T10:00:00.5Z", "ne", "2026-12-01T10:00:00.5Z", "2026-12-01T10:00:00.500001Z")]
    // With seconds the value is an instant (one microsecond): a lastUpdated sent back as given, trailing zeros trimmed.
    [InlineData("gt2026-12-01T10:00:00.1Z", "gt", "2026-12-01T10:00:00.1Z", "2026-12-01T10:00:00.100001Z")]
    // Beyond the database's microsecond, each end rounds up to the microsecond the stored values are whole in.
    [InlineData("gt2026-12-01T10:00:00.1234561Z", "gt", "2026-12-01T10:00:00.123457Z", "2026-12-01T10:00:00.123457Z")]
    // An unescaped '+' in a query string arrives as a space.
    [InlineData("2026-12-01T10:00:00 01:00", "eq", "2026-12-01T09:00:00Z", "2026-12-01T09:00:00.000001Z")]
    public void a_value_stands_for_its_precision(string text, string prefix, string from, string until)
    {
        var bound = TaskSearch.ParseBound(text).ShouldNotBeNull();

        bound.Prefix.ShouldBe(prefix);
        bound.From.ShouldBe(DateTimeOffset.Parse(from));
        bound.Until.ShouldBe(DateTimeOffset.Parse(until));
    }

    [Theory]
    [InlineData("")]
    [InlineData("gt")]
    [InlineData("2026-13-01")]
    [InlineData("2026-02-30")]
    [InlineData("2026-12-01T10:00:00")]
    [InlineData("2026-12-01T25:00:00Z")]
    [InlineData("2026-12-01T10:00:00+15:00")]
    [InlineData("ap2026-12-01")]
    [InlineData("9999")]
    [InlineData("gt2026-01-01T10:00:00+25:00")]   // no such offset
    [InlineData("gt2026-01-01T10:00:00+14:60")]
    [InlineData("gt\u0662\u0660\u0662\u0666")]          // Arabic-Indic digits
    [InlineData("gt2026-01-01T10:00:00.\u0661Z")]
    public void a_malformed_value_is_none(string text) => TaskSearch.ParseBound(text).ShouldBeNull();
}
