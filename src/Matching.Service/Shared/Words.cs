using System.Text;
using System.Text.Json;

namespace Matching.Service.Shared;

/// <summary>
/// Names of things in the three spellings the service shows them in: the API's ("familyDynamics"), words inside a
/// sentence ("family dynamics", "CBT") and a label standing alone ("Family dynamics"). Pascal and camel names alike.
/// </summary>
public static class Words
{
    // What splitting at the capitals gets wrong. Lower case here; a label capitalises the first letter.
    private static readonly Dictionary<string, string> Special = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Ocd"] = "OCD", ["Adhd"] = "ADHD", ["LgbtqIdentity"] = "LGBTQ+ identity", ["Cbt"] = "CBT", ["Dbt"] = "DBT",
        ["Emdr"] = "EMDR", ["Ifs"] = "IFS", ["Act"] = "ACT", ["Eft"] = "EFT", ["KetamineAssisted"] = "ketamine-assisted therapy",
        ["InPerson"] = "in person", ["SelfPay"] = "self-pay", ["Sms"] = "text message", ["NotAFit"] = "not a fit",
        ["NoShow"] = "no-show", ["NonBinary"] = "non-binary", ["OlderAdult"] = "older adult", ["LeftMessage"] = "left a message"
    };

    /// <summary>The value as the API spells it, by the same naming policy as the API's JSON ("notLicensedInState").</summary>
    public static string Wire(Enum value) => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    /// <summary>Words inside a sentence: "life transitions", "CBT".</summary>
    public static string Of<T>(T value) where T : struct, Enum => Of(value.ToString());

    /// <summary>A Pascal or camel name in words: "MatchesSuggested" and "matchesSuggested" → "matches suggested".</summary>
    public static string Of(string name)
    {
        if (Special.TryGetValue(name, out var special)) return special;
        var words = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i])) words.Append(' ');
            words.Append(char.ToLowerInvariant(name[i]));
        }
        return words.ToString();
    }

    /// <summary>A label: "Life transitions", "CBT", "Matches suggested".</summary>
    public static string Label<T>(T value) where T : struct, Enum => Label(value.ToString());

    public static string Label(string name)
    {
        var words = Of(name);
        return words.Length == 0 ? words : char.ToUpperInvariant(words[0]) + words[1..];
    }

    /// <summary>A span in whole units, as a person says it: "2 days", "24 hours", "90 minutes".</summary>
    public static string Duration(TimeSpan span) =>
        span.TotalDays >= 1 && span.TotalDays % 1 == 0 ? Count((int)span.TotalDays, "day")
        : span.TotalHours >= 1 && span.TotalHours % 1 == 0 ? Count((int)span.TotalHours, "hour")
        : Count((int)Math.Round(span.TotalMinutes), "minute");

    private static string Count(int n, string unit) => n == 1 ? $"1 {unit}" : $"{n} {unit}s";
}
