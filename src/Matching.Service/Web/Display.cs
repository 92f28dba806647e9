using System.Globalization;
using System.Text;

namespace Matching.Service.Web;

/// <summary>Vocabulary in plain words for the pages ("familyDynamics" → "Family dynamics", "Cbt" → "CBT").</summary>
public static class Display
{
    private static readonly Dictionary<string, string> Special = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Ocd"] = "OCD", ["Adhd"] = "ADHD", ["LgbtqIdentity"] = "LGBTQ+ identity", ["Cbt"] = "CBT", ["Dbt"] = "DBT",
        ["Emdr"] = "EMDR", ["Ifs"] = "IFS", ["Act"] = "ACT", ["Eft"] = "EFT", ["KetamineAssisted"] = "Ketamine-assisted therapy",
        ["InPerson"] = "In person", ["SelfPay"] = "Self-pay", ["Sms"] = "Text message", ["NotAFit"] = "Not a fit",
        ["NoShow"] = "No-show", ["NonBinary"] = "Non-binary", ["OlderAdult"] = "Older adult", ["LeftMessage"] = "Left a message"
    };

    public static string Of<T>(T value) where T : struct, Enum => Key(value.ToString());

    public static string Of<T>(T? value) where T : struct, Enum => value is { } v ? Of(v) : "—";

    /// <summary>A camelCase or PascalCase key in words.</summary>
    public static string Key(string key)
    {
        if (Special.TryGetValue(key, out var special)) return special;
        var words = new StringBuilder();
        for (var i = 0; i < key.Length; i++)
        {
            var ch = key[i];
            if (i > 0 && char.IsUpper(ch)) words.Append(' ').Append(char.ToLowerInvariant(ch));
            else words.Append(i == 0 ? char.ToUpperInvariant(ch) : ch);
        }
        return words.ToString();
    }

    public static string List<T>(IEnumerable<T>? values) where T : struct, Enum =>
        values is null ? "—" : string.Join(", ", values.Select(v => Of(v))) is { Length: > 0 } text ? text : "—";

    public static string Number(double? value, string format = "0.#") =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "—";

    /// <summary>The enum's members as (value, words) pairs for selects, radios and checkboxes.</summary>
    public static IEnumerable<(string Value, string Label)> Options<T>() where T : struct, Enum =>
        Enum.GetValues<T>().Select(v => (v.ToString(), Of(v)));
}
