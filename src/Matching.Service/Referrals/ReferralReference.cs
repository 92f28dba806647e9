namespace Matching.Service.Referrals;

/// <summary>
/// The short reference a client is given and can read out on the phone ("7K2M-9XP3"): 40 bits of the referral id's
/// random (or hashed) part in Crockford's base 32, which has no I, L, O or U, so nothing reads as another character.
/// Computed from the id, never stored as a truth of its own; with tens of thousands of referrals two sharing one is
/// unlikely, and a search by reference lists every referral that has it.
/// </summary>
public static class ReferralReference
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string Of(Guid referralId)
    {
        // Bytes 10..14 in .NET's order are random in version 7 ids and hashed in version 8 ids (never version or variant bits).
        Span<byte> bytes = stackalloc byte[16];
        referralId.TryWriteBytes(bytes);
        ulong bits = 0;
        for (var i = 10; i < 15; i++) bits = (bits << 8) | bytes[i];
        Span<char> text = stackalloc char[9];
        for (int i = 7, at = 8; i >= 0; i--, at--)
        {
            if (at == 4) text[at--] = '-';
            text[at] = Alphabet[(int)(bits & 31)];
            bits >>= 5;
        }
        return new string(text);
    }

    /// <summary>
    /// What a person typed, read as a reference: case, spaces and dashes ignored, and the letters Crockford's base 32
    /// reads as digits (O as 0, I and L as 1) mapped; null when it can't be one.
    /// </summary>
    public static string? Normalize(string? input)
    {
        if (string.IsNullOrWhiteSpace(input)) return null;
        var kept = new List<char>(8);
        foreach (var raw in input.Trim())
        {
            if (raw is '-' or ' ') continue;
            var c = char.ToUpperInvariant(raw) switch { 'O' => '0', 'I' or 'L' => '1', var other => other };
            if (!Alphabet.Contains(c) || kept.Count == 8) return null;
            kept.Add(c);
        }
        return kept.Count == 8 ? $"{new string(kept[..4].ToArray())}-{new string(kept[4..].ToArray())}" : null;
    }
}
