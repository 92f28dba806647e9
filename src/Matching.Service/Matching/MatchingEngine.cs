using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using Matching.Service.Referrals;
using Matching.Service.Shared;

namespace Matching.Service.Matching;

/// <summary>
/// The explainable matching engine: hard filters (contract order, first failure counted), then a
/// 0–100 weighted score for the eligible, the best <c>limit</c> kept and explained. Pure and
/// deterministic: the same client, directory (in any order) and weights give the same result.
/// See docs/adr/0011-matching-scoring.md.
/// </summary>
public static class MatchingEngine
{
    /// <summary>Bump when a filter, a criterion's formula or the tie-break changes.</summary>
    public const string Version = "1";

    /// <summary>Availability overlap that earns full points: room for a weekly session and a fallback.</summary>
    public const int FullAvailabilityMinutes = 180;

    private static readonly ulong InPersonBit = Normalized.Bit(SessionFormat.InPerson);
    private static readonly ulong TelehealthBit = Normalized.Bit(SessionFormat.Telehealth);

    public static MatchResult Rank(ClientNeeds client, IReadOnlyList<ClinicianCandidate> directory, MatchWeights weights, int limit)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(weights);
        var factors = new Factors(weights);
        var counts = new int[ExclusionReasons.Count];
        var top = new TopCandidates(Math.Max(0, limit));
        int considered = 0, eligible = 0;

        for (var i = 0; i < directory.Count; i++)
        {
            var clinician = directory[i];
            if (clinician.Offboarded) continue;
            considered++;
            var failed = FirstFailure(client, clinician);
            if (failed >= 0)
            {
                counts[failed]++;
                continue;
            }

            eligible++;
            top.Offer(Round(Score(client, clinician, factors)), clinician);
        }

        var candidates = new RankedCandidate[top.Count];
        for (var i = 0; i < candidates.Length; i++)
        {
            var clinician = top.Picks[i];
            candidates[i] = new RankedCandidate(clinician.Id, clinician.Name, i + 1, top.Scores[i], Explain(client, clinician, factors));
        }

        return new MatchResult(Version, weights.Version, considered, eligible, new ExclusionCounts(counts), candidates);
    }

    /// <summary>Every filter the clinician fails, in contract order (empty when eligible).</summary>
    public static IReadOnlyList<ExclusionReason> FailedFilters(ClientNeeds client, ClinicianCandidate clinician)
    {
        var failed = new List<ExclusionReason>();
        foreach (var reason in ExclusionReasons.All)
            if (Fails(reason, client, clinician)) failed.Add(reason);
        return failed;
    }

    /// <summary>The first filter the clinician fails in contract order, or null when eligible.</summary>
    public static ExclusionReason? FirstFailedFilter(ClientNeeds client, ClinicianCandidate clinician) =>
        FirstFailure(client, clinician) is var failed and >= 0 ? (ExclusionReason)failed : null;

    /// <summary>The eligible clinician's score, rounded to one decimal (filters are not checked).</summary>
    public static double Score(ClientNeeds client, ClinicianCandidate clinician, MatchWeights weights) =>
        Round(Score(client, clinician, new Factors(weights)));

    /// <summary>The score's reasons for one clinician (filters are not checked).</summary>
    public static IReadOnlyList<ScoreReason> Explain(ClientNeeds client, ClinicianCandidate clinician, MatchWeights weights) =>
        Explain(client, clinician, new Factors(weights));

    public static bool Fails(ExclusionReason reason, ClientNeeds client, ClinicianCandidate clinician) => reason switch
    {
        ExclusionReason.NotAccepting => NotAccepting(clinician),
        ExclusionReason.NoCapacity => NoCapacity(clinician),
        ExclusionReason.FormatMismatch => FormatMismatch(client, clinician),
        ExclusionReason.NotLicensedInState => NotLicensedInState(client, clinician),
        ExclusionReason.SessionTypeMismatch => SessionTypeMismatch(client, clinician),
        ExclusionReason.AgeGroupMismatch => AgeGroupMismatch(client, clinician),
        ExclusionReason.PayerMismatch => PayerMismatch(client, clinician),
        ExclusionReason.LanguageMismatch => LanguageMismatch(client, clinician),
        ExclusionReason.KetamineNotOffered => KetamineNotOffered(client, clinician),
        ExclusionReason.PreviouslyDeclined => PreviouslyDeclined(client, clinician),
        _ => throw new ArgumentOutOfRangeException(nameof(reason))
    };

    // The hot path: cheapest and most selective checks in contract order, no allocation.
    private static int FirstFailure(ClientNeeds client, ClinicianCandidate clinician)
    {
        if (NotAccepting(clinician)) return (int)ExclusionReason.NotAccepting;
        if (NoCapacity(clinician)) return (int)ExclusionReason.NoCapacity;
        if (FormatMismatch(client, clinician)) return (int)ExclusionReason.FormatMismatch;
        if (NotLicensedInState(client, clinician)) return (int)ExclusionReason.NotLicensedInState;
        if (SessionTypeMismatch(client, clinician)) return (int)ExclusionReason.SessionTypeMismatch;
        if (AgeGroupMismatch(client, clinician)) return (int)ExclusionReason.AgeGroupMismatch;
        if (PayerMismatch(client, clinician)) return (int)ExclusionReason.PayerMismatch;
        if (LanguageMismatch(client, clinician)) return (int)ExclusionReason.LanguageMismatch;
        if (KetamineNotOffered(client, clinician)) return (int)ExclusionReason.KetamineNotOffered;
        if (PreviouslyDeclined(client, clinician)) return (int)ExclusionReason.PreviouslyDeclined;
        return -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool NotAccepting(ClinicianCandidate x) => !x.AcceptingNewClients || x.Paused || x.Offboarded;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool NoCapacity(ClinicianCandidate x) =>
        x.RemainingCapacity <= 0 || x.NewClientsLast7Days >= x.WeeklyNewClientLimit;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool FormatMismatch(ClientNeeds c, ClinicianCandidate x) => (c.FormatBits & x.FormatBits) == 0;

    // With no shared format there is nothing to deliver, so this fails too (it only shows in FailedFilters).
    private static bool NotLicensedInState(ClientNeeds c, ClinicianCandidate x)
    {
        var shared = c.FormatBits & x.FormatBits;
        if (shared == 0 || !Normalized.Contains(x.LicensedStateCodes, c.StateCode)) return true;
        if ((shared & TelehealthBit) != 0) return false;
        return !Normalized.Contains(x.OfficeStateCodes, c.StateCode);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool SessionTypeMismatch(ClientNeeds c, ClinicianCandidate x) =>
        c.SessionTypeBit != 0 && (c.SessionTypeBit & x.SessionTypeBits) == 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool AgeGroupMismatch(ClientNeeds c, ClinicianCandidate x) => (c.AgeGroupBit & x.AgeGroupBits) == 0;

    private static bool PayerMismatch(ClientNeeds c, ClinicianCandidate x) => c.PaymentMethod switch
    {
        PaymentMethod.Insurance => !Normalized.Contains(x.PayerCodes, c.PayerCode),
        PaymentMethod.SelfPay => !Within(x.SelfPayRate, c.MaxSessionRate) && !Within(x.SlidingScaleMin, c.MaxSessionRate),
        // No method given: any way of being paid will do.
        _ => x.PayerCodes.Length == 0 && x.SelfPayRate is null && x.SlidingScaleMin is null
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Within(decimal? rate, decimal? max) => rate is { } r && (max is null || r <= max.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool LanguageMismatch(ClientNeeds c, ClinicianCandidate x) =>
        !Normalized.Intersects(c.LanguageCodes, x.LanguageCodes);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool KetamineNotOffered(ClientNeeds c, ClinicianCandidate x) =>
        c.WantsKetamineAssistedTherapy && !x.OffersKetamineAssistedTherapy;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool PreviouslyDeclined(ClientNeeds c, ClinicianCandidate x) =>
        c.ExcludedSet.Count != 0 && c.ExcludedSet.Contains(x.Id);

    // ---- Soft score ----

    /// <summary>Each criterion's share earned, 0..1; "no preference" earns the full share for everyone, so it never reorders.</summary>
    private readonly record struct Shares(double Specialty, double Modality, double Identity, double Availability, double Capacity, int OverlapMinutes);

    private static Shares SharesOf(ClientNeeds c, ClinicianCandidate x)
    {
        var specialty = c.ConcernBits == 0 ? 1.0 : Fraction(c.ConcernBits & x.SpecialtyBits, c.ConcernBits);
        var modality = c.ModalityBits == 0 ? 1.0 : Fraction(c.ModalityBits & x.ModalityBits, c.ModalityBits);

        int asked = 0, met = 0;
        if (c.PreferredGender is { } gender)
        {
            asked++;
            if (x.Gender == gender) met++;
        }

        if (c.WantsLgbtqAffirming)
        {
            asked++;
            if (x.LgbtqAffirming) met++;
        }

        if (c.WantsBipocAffirming)
        {
            asked++;
            if (x.BipocAffirming) met++;
        }

        var identity = asked == 0 ? 1.0 : (double)met / asked;

        var overlap = 0;
        double availability = 1.0;
        if (c.AvailabilityMinutes > 0)
        {
            overlap = WeeklyAvailability.OverlapMinutes(c.AvailabilityIntervals, x.AvailabilityIntervals);
            availability = Math.Min(1.0, (double)overlap / Math.Min(c.AvailabilityMinutes, FullAvailabilityMinutes));
        }

        var capacity = x.CaseloadLimit <= 0 ? 0.0 : Math.Clamp((double)x.RemainingCapacity / x.CaseloadLimit, 0.0, 1.0);
        return new Shares(specialty, modality, identity, availability, capacity, overlap);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Fraction(ulong part, ulong whole) => (double)BitOperations.PopCount(part) / BitOperations.PopCount(whole);

    private static double Score(ClientNeeds c, ClinicianCandidate x, in Factors f)
    {
        var s = SharesOf(c, x);
        return f.Specialty * s.Specialty + f.Modality * s.Modality + f.Identity * s.Identity
               + f.Availability * s.Availability + f.Capacity * s.Capacity;
    }

    private static double Round(double score) =>
        Math.Clamp(Math.Round(score, 1, MidpointRounding.AwayFromZero), 0.0, 100.0);

    private static IReadOnlyList<ScoreReason> Explain(ClientNeeds c, ClinicianCandidate x, in Factors f)
    {
        var s = SharesOf(c, x);
        return
        [
            new("specialty", Round(f.Specialty * s.Specialty), SpecialtyDetail(c, x)),
            new("modality", Round(f.Modality * s.Modality), ModalityDetail(c, x)),
            new("identity", Round(f.Identity * s.Identity), IdentityDetail(c, x)),
            new("availability", Round(f.Availability * s.Availability), AvailabilityDetail(c, x, s.OverlapMinutes)),
            new("capacity", Round(f.Capacity * s.Capacity), CapacityDetail(x)),
            // Payment and language are filters, not criteria: 0 points, said so the card can tell the whole match.
            new("payment", 0, PaymentDetail(c, x)),
            new("language", 0, LanguageDetail(c, x))
        ];
    }

    private static string SpecialtyDetail(ClientNeeds c, ClinicianCandidate x)
    {
        if (c.ConcernBits == 0) return "no concerns given";
        var shared = c.ConcernBits & x.SpecialtyBits;
        var total = BitOperations.PopCount(c.ConcernBits);
        var count = BitOperations.PopCount(shared);
        return shared == 0
            ? $"none of the {total} concerns is among their specialties"
            : $"{Listed<Concern>(shared)} {(count == 1 ? "matches" : "match")} their specialties ({count} of {total} concerns)";
    }

    private static string ModalityDetail(ClientNeeds c, ClinicianCandidate x)
    {
        if (c.ModalityBits == 0) return "no modality preference";
        var shared = c.ModalityBits & x.ModalityBits;
        var total = BitOperations.PopCount(c.ModalityBits);
        return shared == 0
            ? $"offers none of the {total} preferred modalities"
            : $"offers {Listed<Modality>(shared)} ({BitOperations.PopCount(shared)} of {total} preferred)";
    }

    /// <summary>The members of <paramref name="bits"/>, in the enum's order, in words: "anxiety, grief and trauma".</summary>
    private static string Listed<T>(ulong bits) where T : struct, Enum
    {
        var names = new List<string>();
        foreach (var value in Enum.GetValues<T>())
            if ((bits & Normalized.Bit(value)) != 0) names.Add(Words.Of(value));
        return Sentence(names);
    }

    /// <summary>"a", "a and b", "a, b and c".</summary>
    public static string Sentence(IReadOnlyList<string> items, string last = "and") =>
        items.Count <= 1 ? string.Concat(items) : $"{string.Join(", ", items.Take(items.Count - 1))} {last} {items[^1]}";

    private static string Hours(int minutes) => (minutes / 60.0).ToString("0.#", CultureInfo.InvariantCulture) + " h";

    private static string IdentityDetail(ClientNeeds c, ClinicianCandidate x)
    {
        var parts = new List<string>(3);
        if (c.PreferredGender is { } gender)
            parts.Add(x.Gender == gender ? "gender preference met" : "gender preference not met");
        if (c.WantsLgbtqAffirming) parts.Add(x.LgbtqAffirming ? "LGBTQ+-affirming" : "not LGBTQ+-affirming");
        if (c.WantsBipocAffirming) parts.Add(x.BipocAffirming ? "BIPOC-affirming" : "not BIPOC-affirming");
        return parts.Count == 0 ? "no identity preference" : string.Join("; ", parts);
    }

    private static string AvailabilityDetail(ClientNeeds c, ClinicianCandidate x, int overlapMinutes) =>
        c.AvailabilityMinutes == 0 ? "no availability windows given"
        : overlapMinutes == 0 ? "no overlap with the client's windows"
        : $"overlap on {WeeklyAvailability.Describe(WeeklyAvailability.Overlap(c.AvailabilityIntervals, x.AvailabilityIntervals), c.TimeZone)} " +
          $"({Hours(overlapMinutes)} a week)";

    private static string CapacityDetail(ClinicianCandidate x)
    {
        var weekly = Math.Max(0, x.WeeklyNewClientLimit - x.NewClientsLast7Days);
        return $"{Math.Max(0, x.RemainingCapacity)} of {x.CaseloadLimit} places free; " +
               $"{weekly} new-client {(weekly == 1 ? "place" : "places")} left this week";
    }

    private static string LanguageDetail(ClientNeeds c, ClinicianCandidate x)
    {
        var shared = new List<string>();
        for (var i = 0; i < x.LanguageCodes.Length; i++)
            if (x.LanguageCodes[i].Length > 0 && Normalized.Contains(c.LanguageCodes, x.LanguageCodes[i])) shared.Add(x.Languages[i].Trim());
        return shared.Count == 0 ? "no language in common" : $"speaks {Sentence(shared)}";
    }

    private static string PaymentDetail(ClientNeeds c, ClinicianCandidate x)
    {
        switch (c.PaymentMethod)
        {
            case PaymentMethod.Insurance:
                var index = Normalized.IndexOf(x.PayerCodes, c.PayerCode);
                return index >= 0 ? $"in network with {x.Payers[index].Trim()}" : "not in network";
            case PaymentMethod.SelfPay:
                return Within(x.SelfPayRate, c.MaxSessionRate) ? "self-pay rate within the client's maximum"
                    : Within(x.SlidingScaleMin, c.MaxSessionRate) ? "sliding scale within the client's maximum"
                    : "self-pay rate above the client's maximum";
            default:
                return "no payment method given";
        }
    }

    /// <summary>Weights rescaled to sum to 100; negative or non-numeric weights count as 0.</summary>
    private readonly struct Factors
    {
        public readonly double Specialty, Modality, Identity, Availability, Capacity;

        public Factors(MatchWeights weights)
        {
            double specialty = Clean(weights.Specialty), modality = Clean(weights.Modality), identity = Clean(weights.Identity),
                availability = Clean(weights.Availability), capacity = Clean(weights.Capacity);
            var total = specialty + modality + identity + availability + capacity;
            var scale = total > 0 && double.IsFinite(total) ? 100.0 / total : 0.0;
            Specialty = specialty * scale;
            Modality = modality * scale;
            Identity = identity * scale;
            Availability = availability * scale;
            Capacity = capacity * scale;
        }

        private static double Clean(double weight) => double.IsFinite(weight) && weight > 0 ? weight : 0;
    }

    /// <summary>The best <c>limit</c> seen so far, kept sorted; a bounded insertion instead of sorting everyone.</summary>
    private sealed class TopCandidates(int limit)
    {
        public readonly double[] Scores = new double[limit];
        public readonly ClinicianCandidate[] Picks = new ClinicianCandidate[limit];
        public int Count;

        public void Offer(double score, ClinicianCandidate clinician)
        {
            if (limit == 0) return;
            if (Count == limit && !Before(score, clinician, Scores[Count - 1], Picks[Count - 1])) return;
            var i = Count < limit ? Count : limit - 1;
            while (i > 0 && Before(score, clinician, Scores[i - 1], Picks[i - 1]))
            {
                Scores[i] = Scores[i - 1];
                Picks[i] = Picks[i - 1];
                i--;
            }

            Scores[i] = score;
            Picks[i] = clinician;
            if (Count < limit) Count++;
        }
    }

    /// <summary>The ranking order: score descending, then name (ordinal), then id, so no two clinicians tie.</summary>
    public static bool Before(double score, ClinicianCandidate clinician, double otherScore, ClinicianCandidate other)
    {
        if (score != otherScore) return score > otherScore;
        var byName = string.CompareOrdinal(clinician.Name, other.Name);
        return byName != 0 ? byName < 0 : clinician.Id.CompareTo(other.Id) < 0;
    }
}
