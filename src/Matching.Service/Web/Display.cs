using System.Globalization;
using Matching.Service.Shared;

namespace Matching.Service.Web;

/// <summary>How the pages show values: vocabulary as labels (<see cref="Words.Label(string)"/>), a dash for nothing.</summary>
public static class Display
{
    public static string Of<T>(T value) where T : struct, Enum => Words.Label(value);

    public static string Of<T>(T? value) where T : struct, Enum => value is { } v ? Of(v) : "—";

    /// <summary>A camelCase or PascalCase key as a label.</summary>
    public static string Key(string key) => Words.Label(key);

    public static string List<T>(IEnumerable<T>? values) where T : struct, Enum =>
        values is null ? "—" : string.Join(", ", values.Select(v => Of(v))) is { Length: > 0 } text ? text : "—";

    public static string Number(double? value, string format = "0.#") =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "—";

    /// <summary>The enum's members as (value, words) pairs for selects, radios and checkboxes.</summary>
    public static IEnumerable<(string Value, string Label)> Options<T>() where T : struct, Enum =>
        Enum.GetValues<T>().Select(v => (v.ToString(), Of(v)));
}
