using System.Globalization;
using System.Text;
using Matching.Service.Shared;

namespace Matching.Service.Matching;

/// <summary>Vocabulary in plain words for reason details ("LifeTransitions" → "life transitions", "Cbt" → "CBT").</summary>
internal static class Words
{
    private static readonly Dictionary<string, string> Special = new(StringComparer.Ordinal)
    {
        ["Ocd"] = "OCD", ["Adhd"] = "ADHD", ["LgbtqIdentity"] = "LGBTQ+ identity",
        ["Cbt"] = "CBT", ["Dbt"] = "DBT", ["Emdr"] = "EMDR", ["Ifs"] = "IFS", ["Act"] = "ACT", ["Eft"] = "EFT",
        ["KetamineAssisted"] = "ketamine-assisted therapy"
    };

    public static string Of<T>(T value) where T : struct, Enum
    {
        var name = value.ToString();
        if (Special.TryGetValue(name, out var special)) return special;
        var words = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i])) words.Append(' ');
            words.Append(char.ToLowerInvariant(name[i]));
        }

        return words.ToString();
    }

    /// <summary>The members of <paramref name="bits"/>, in the enum's order, as plain words joined by commas.</summary>
    public static string List<T>(ulong bits) where T : struct, Enum
    {
        var names = new List<string>();
        foreach (var value in Enum.GetValues<T>())
            if ((bits & Normalized.Bit(value)) != 0) names.Add(Of(value));
        return string.Join(", ", names);
    }

    public static string Hours(int minutes) =>
        (minutes / 60.0).ToString("0.#", CultureInfo.InvariantCulture) + " h";
}
