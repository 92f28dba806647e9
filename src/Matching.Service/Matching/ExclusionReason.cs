using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Matching.Service.Shared;

namespace Matching.Service.Matching;

/// <summary>Why a clinician was left out, in the contract's order: a clinician failing several counts under the first.</summary>
public enum ExclusionReason
{
    NotAccepting,
    NoCapacity,
    FormatMismatch,
    NotLicensedInState,
    SessionTypeMismatch,
    AgeGroupMismatch,
    PayerMismatch,
    LanguageMismatch,
    KetamineNotOffered,
    PreviouslyDeclined
}

public static class ExclusionReasons
{
    public const int Count = 10;

    /// <summary>Every reason, in the contract's order.</summary>
    public static readonly IReadOnlyList<ExclusionReason> All = Enum.GetValues<ExclusionReason>();

    private static readonly string[] Keys = All.Select(reason => Words.Wire(reason)).ToArray();

    /// <summary>The contract's JSON key ("notLicensedInState").</summary>
    public static string Key(this ExclusionReason reason) => Keys[(int)reason];
}

/// <summary>
/// Exclusion counts backed by one array: every reason present (zeros included) and enumerated in
/// the contract's order, which a hash dictionary does not promise.
/// </summary>
public sealed class ExclusionCounts : IReadOnlyDictionary<ExclusionReason, int>
{
    private readonly int[] counts;

    public ExclusionCounts(int[] counts)
    {
        if (counts.Length != ExclusionReasons.Count)
            throw new ArgumentException($"Expected {ExclusionReasons.Count} counts.", nameof(counts));
        this.counts = counts;
    }

    public int this[ExclusionReason key] => counts[(int)key];
    public int Count => ExclusionReasons.Count;
    public int Total => counts.Sum();
    public IEnumerable<ExclusionReason> Keys => ExclusionReasons.All;
    public IEnumerable<int> Values => counts;

    public bool ContainsKey(ExclusionReason key) => (uint)key < ExclusionReasons.Count;

    public bool TryGetValue(ExclusionReason key, [MaybeNullWhen(false)] out int value)
    {
        var known = ContainsKey(key);
        value = known ? counts[(int)key] : 0;
        return known;
    }

    public IEnumerator<KeyValuePair<ExclusionReason, int>> GetEnumerator()
    {
        for (var i = 0; i < counts.Length; i++)
            yield return new KeyValuePair<ExclusionReason, int>((ExclusionReason)i, counts[i]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
