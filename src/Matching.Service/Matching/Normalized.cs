namespace Matching.Service.Matching;

/// <summary>The comparable forms the engine precomputes once, so the filter loop compares ordinally and allocates nothing.</summary>
internal static class Normalized
{
    public static string? Code(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Trim().ToUpperInvariant();

    /// <summary>Same length and order as the input (blank entries become ""), so an index maps back to the original text.</summary>
    public static string[] Codes(IReadOnlyList<string>? values)
    {
        if (values is null || values.Count == 0) return [];
        var codes = new string[values.Count];
        for (var i = 0; i < codes.Length; i++) codes[i] = Code(values[i]) ?? "";
        return codes;
    }

    public static int IndexOf(string[] codes, string? code)
    {
        if (code is null) return -1;
        for (var i = 0; i < codes.Length; i++)
            if (string.Equals(codes[i], code, StringComparison.Ordinal)) return i;
        return -1;
    }

    public static bool Contains(string[] codes, string? code) => IndexOf(codes, code) >= 0;

    public static bool Intersects(string[] a, string[] b)
    {
        for (var i = 0; i < a.Length; i++)
            if (a[i].Length > 0 && IndexOf(b, a[i]) >= 0) return true;
        return false;
    }

    public static ulong Bits<T>(IReadOnlyList<T>? values) where T : struct, Enum
    {
        if (values is null) return 0;
        ulong bits = 0;
        foreach (var value in values) bits |= 1UL << Convert.ToInt32(value);
        return bits;
    }

    public static ulong Bit<T>(T value) where T : struct, Enum => 1UL << Convert.ToInt32(value);
}
