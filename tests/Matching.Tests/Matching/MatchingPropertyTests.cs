using CsCheck;
using Matching.Service.Matching;
using Matching.Service.Referrals;
using Matching.Service.Shared;

namespace Matching.Tests.Engine;

/// <summary>
/// Properties over generated clients and directories. Small vocabularies (three states, three
/// languages, two payers, three names) make both matches and every kind of exclusion common.
/// </summary>
public class MatchingPropertyTests
{
    private const int Iterations = 300;

    private static readonly Guid[] Ids = Enumerable.Range(1, 60)
        .Select(i => Guid.Parse($"00000000-0000-0000-0000-{i:000000000000}")).ToArray();

    private static readonly Gen<AvailabilityWindow> WindowGen =
        Gen.Select(Gen.Enum<WeekDay>(), Gen.Int[0, 21], Gen.Int[1, 5])
            .Select((day, hour, length) => new AvailabilityWindow(day, $"{hour:00}:00", $"{Math.Min(hour + length, 23):00}:30"));

    private static Gen<T[]> Subset<T>(int min, int max) where T : struct, Enum =>
        Gen.Enum<T>().Array[min, max].Select(values => values.Distinct().ToArray());

    private static readonly Gen<ClientNeeds> ClientGen = Gen.Select(
            Gen.Select(Gen.Enum<FormatPreference>(), Gen.OneOf("CO", "ut", " NY"), Gen.Enum<SessionType>(), Gen.Enum<AgeGroup>()),
            Gen.Select(Gen.Enum<PaymentMethod>(), Gen.OneOf("Aetna", " cigna", "AETNA "), Gen.Int[60, 220], Gen.Bool),
            Gen.Select(Gen.OneOf("English", "spanish", "French").Array[1, 2], Gen.Int[0, 3].Select(i => i == 0),
                Subset<Concern>(0, 4), Subset<Modality>(0, 3)),
            Gen.Select(Gen.Enum<Gender>().Nullable(), Gen.Bool, Gen.Bool, WindowGen.Array[0, 3]),
            Gen.Int[0, 19].Array[0, 3])
        .Select((basics, payment, wants, identity, declined) => new ClientNeeds
        {
            Format = basics.Item1, State = basics.Item2, SessionType = basics.Item3, AgeGroup = basics.Item4,
            PaymentMethod = payment.Item1, Payer = payment.Item2, MaxSessionRate = payment.Item4 ? payment.Item3 : null,
            Languages = wants.Item1, WantsKetamineAssistedTherapy = wants.Item2, Concerns = wants.Item3, PreferredModalities = wants.Item4,
            PreferredGender = identity.Item1, WantsLgbtqAffirming = identity.Item2, WantsBipocAffirming = identity.Item3,
            Availability = identity.Item4,
            ExcludedClinicianIds = declined.Select(i => Ids[i]).ToHashSet()
        });

    private static readonly Gen<ClinicianCandidate> ClinicianGen = Gen.Select(
            Gen.Select(Gen.OneOf("Ann", "Bea", "Cal"), Gen.Int[0, 19], Gen.Int[0, 19], Gen.Int[0, 19]),
            Gen.Select(Gen.Int[4, 25], Gen.Int[0, 10], Gen.Int[0, 2], Gen.Int[1, 6], Gen.Int[0, 2]),
            Gen.Select(Gen.OneOf("CO", "UT", "ny").Array[1, 3], Gen.OneOf("co", "UT", "NY").Array[0, 4],
                Subset<SessionFormat>(1, 3), Subset<SessionType>(1, 4), Subset<AgeGroup>(1, 6)),
            Gen.Select(Subset<Concern>(0, 5), Subset<Modality>(0, 4), Gen.OneOf("english", "Spanish", "FRENCH").Array[0, 3],
                Gen.OneOf("aetna", "Cigna").Array[0, 2]),
            Gen.Select(Gen.Int[40, 240].Nullable(), Gen.Int[40, 240].Nullable(), Gen.Enum<Gender>().Nullable(), Gen.Bool, Gen.Bool),
            Gen.Select(Gen.OneOf("America/Denver", "America/New_York", "Asia/Tokyo", "Australia/Sydney"), WindowGen.Array[0, 4]))
        .Select((flags, load, where, what, pay, when) => new ClinicianCandidate
        {
            Name = flags.Item1,
            // Mostly open to new clients, so the later filters get exercised too.
            AcceptingNewClients = flags.Item2 > 0, Paused = flags.Item3 == 0, Offboarded = flags.Item4 == 0,
            CaseloadLimit = load.Item1, ActiveClients = load.Item2, OpenProposals = load.Item3,
            WeeklyNewClientLimit = load.Item4, NewClientsLast7Days = load.Item5,
            LicensedStates = where.Item1, OfficeStates = where.Item2, Formats = where.Item3, SessionTypes = where.Item4, AgeGroups = where.Item5,
            Specialties = what.Item1, Modalities = what.Item2, Languages = what.Item3, Payers = what.Item4,
            SelfPayRate = pay.Item1, SlidingScaleMin = pay.Item2, Gender = pay.Item3, LgbtqAffirming = pay.Item4, BipocAffirming = pay.Item5,
            OffersKetamineAssistedTherapy = flags.Item2 % 3 == 0,
            TimeZone = when.Item1, Availability = when.Item2
        });

    // Ids are unique within a directory: they are the last word of the tie-break.
    private static readonly Gen<ClinicianCandidate[]> DirectoryGen = ClinicianGen.Array[0, 60]
        .Select(clinicians => clinicians.Select((c, i) => c with { Id = Ids[i] }).ToArray());

    private static readonly Gen<(ClientNeeds, ClinicianCandidate[], int)> Scenario =
        Gen.Select(ClientGen, DirectoryGen, Gen.Int[1, 12]);

    [Fact]
    public void returned_candidates_pass_every_filter_and_exclusions_count_the_first_true_failure()
    {
        Scenario.Sample((client, directory, limit) =>
        {
            var result = MatchingEngine.Rank(client, directory, new MatchWeights(), limit);
            var considered = directory.Where(c => !c.Offboarded).ToArray();
            var expectedCounts = new int[ExclusionReasons.Count];
            var eligible = new HashSet<Guid>();
            foreach (var clinician in considered)
            {
                var failures = Reference.Failures(client, clinician);
                MatchingEngine.FailedFilters(client, clinician).ShouldBe(failures);
                MatchingEngine.FirstFailedFilter(client, clinician).ShouldBe(failures.Count == 0 ? null : failures[0]);
                if (failures.Count == 0) eligible.Add(clinician.Id);
                else expectedCounts[(int)failures[0]]++;
            }

            result.ConsideredCount.ShouldBe(considered.Length);
            result.EligibleCount.ShouldBe(eligible.Count);
            result.ExclusionCounts.Keys.ShouldBe(ExclusionReasons.All);
            result.ExclusionCounts.Values.ShouldBe(expectedCounts);
            (result.EligibleCount + result.ExclusionCounts.Values.Sum()).ShouldBe(result.ConsideredCount);
            result.Candidates.Count.ShouldBe(Math.Min(limit, eligible.Count));
            result.Candidates.ShouldAllBe(c => eligible.Contains(c.ClinicianId));
        }, iter: Iterations);
    }

    [Fact]
    public void ranking_is_deterministic_and_independent_of_directory_order()
    {
        Gen.Select(Scenario, Gen.Int).Sample((scenario, seed) =>
        {
            var (client, directory, limit) = scenario;
            var shuffled = directory.ToArray();
            new Random(seed).Shuffle(shuffled);
            var first = MatchingEngine.Rank(client, directory, new MatchWeights(), limit);
            var again = MatchingEngine.Rank(client, shuffled, new MatchWeights(), limit);
            Describe(again).ShouldBe(Describe(first));
            again.ExclusionCounts.Values.ShouldBe(first.ExclusionCounts.Values);
        }, iter: Iterations);
    }

    [Fact]
    public void scores_stay_within_0_and_100_in_rank_order_and_the_best_are_kept()
    {
        Scenario.Sample((client, directory, limit) =>
        {
            var weights = new MatchWeights();
            var result = MatchingEngine.Rank(client, directory, weights, limit);
            result.Candidates.Select(c => c.Rank).ShouldBe(Enumerable.Range(1, result.Candidates.Count));
            result.Candidates.ShouldAllBe(c => c.Score >= 0 && c.Score <= 100);
            result.Candidates.Zip(result.Candidates.Skip(1)).ShouldAllBe(pair => pair.First.Score >= pair.Second.Score);

            // No eligible clinician left out scores higher than the last one returned.
            if (result.Candidates.Count == 0) return;
            var returned = result.Candidates.Select(c => c.ClinicianId).ToHashSet();
            var lowest = result.Candidates[^1].Score;
            directory.Where(c => !c.Offboarded && MatchingEngine.FirstFailedFilter(client, c) is null && !returned.Contains(c.Id))
                .ShouldAllBe(c => MatchingEngine.Score(client, c, weights) <= lowest);
        }, iter: Iterations);
    }

    [Fact]
    public void adding_a_specialty_the_client_needs_never_lowers_the_score()
    {
        Gen.Select(ClientGen, ClinicianGen, Gen.Enum<Concern>()).Sample((client, clinician, concern) =>
        {
            var needing = client with { Concerns = client.Concerns.Append(concern).Distinct().ToArray() };
            var before = MatchingEngine.Score(needing, clinician, new MatchWeights());
            var after = MatchingEngine.Score(needing, clinician with { Specialties = [..clinician.Specialties, concern] }, new MatchWeights());
            after.ShouldBeGreaterThanOrEqualTo(before);
        }, iter: Iterations);
    }

    [Fact]
    public void reasons_add_up_to_the_score()
    {
        Scenario.Sample((client, directory, limit) =>
        {
            foreach (var candidate in MatchingEngine.Rank(client, directory, new MatchWeights(), limit).Candidates)
                // Each reason is rounded on its own, so the sum may drift by the rounding of five criteria.
                Math.Abs(candidate.Reasons.Sum(r => r.Points) - candidate.Score).ShouldBeLessThanOrEqualTo(0.3);
        }, iter: Iterations);
    }

    [Fact]
    public void generated_scenarios_reach_every_exclusion_and_eligible_clinicians()
    {
        // Guards the generators: properties over scenarios where nobody is ever eligible would prove little.
        var totals = new int[ExclusionReasons.Count + 1];
        Scenario.Sample((client, directory, limit) =>
        {
            var result = MatchingEngine.Rank(client, directory, new MatchWeights(), limit);
            foreach (var (reason, count) in result.ExclusionCounts) Interlocked.Add(ref totals[(int)reason], count);
            Interlocked.Add(ref totals[^1], result.EligibleCount);
        }, iter: Iterations, threads: 1);
        totals.ShouldAllBe(total => total > 0, string.Join(", ", totals));
    }

    private static string[] Describe(MatchResult result) =>
        result.Candidates.Select(c => $"{c.Rank} {c.ClinicianId} {c.Score} {string.Join("|", c.Reasons)}").ToArray();

    /// <summary>The filters restated as plainly as possible, independent of the engine's precomputed form.</summary>
    private static class Reference
    {
        public static List<ExclusionReason> Failures(ClientNeeds c, ClinicianCandidate x)
        {
            var failures = new List<ExclusionReason>();
            if (!x.AcceptingNewClients || x.Paused || x.Offboarded) failures.Add(ExclusionReason.NotAccepting);
            if (x.CaseloadLimit - x.ActiveClients - x.OpenProposals <= 0 || x.NewClientsLast7Days >= x.WeeklyNewClientLimit)
                failures.Add(ExclusionReason.NoCapacity);

            SessionFormat[] accepted = c.Format switch
            {
                FormatPreference.InPerson => [SessionFormat.InPerson],
                FormatPreference.Telehealth => [SessionFormat.Telehealth],
                _ => [SessionFormat.InPerson, SessionFormat.Telehealth]
            };
            var shared = accepted.Intersect(x.Formats).ToList();
            if (shared.Count == 0) failures.Add(ExclusionReason.FormatMismatch);
            var licensed = x.LicensedStates.Any(s => Same(s, c.State));
            var office = x.OfficeStates.Any(s => Same(s, c.State));
            if (!shared.Any(f => f == SessionFormat.Telehealth ? licensed : licensed && office))
                failures.Add(ExclusionReason.NotLicensedInState);

            if (c.SessionType is { } type && !x.SessionTypes.Contains(type)) failures.Add(ExclusionReason.SessionTypeMismatch);
            if (!x.AgeGroups.Contains(c.AgeGroup)) failures.Add(ExclusionReason.AgeGroupMismatch);

            bool Affordable(decimal? rate) => rate is not null && (c.MaxSessionRate is null || rate <= c.MaxSessionRate);
            var paid = c.PaymentMethod switch
            {
                PaymentMethod.Insurance => x.Payers.Any(p => Same(p, c.Payer)),
                PaymentMethod.SelfPay => Affordable(x.SelfPayRate) || Affordable(x.SlidingScaleMin),
                _ => x.Payers.Count > 0 || x.SelfPayRate is not null || x.SlidingScaleMin is not null
            };
            if (!paid) failures.Add(ExclusionReason.PayerMismatch);

            if (!c.Languages.Any(l => x.Languages.Any(m => Same(l, m)))) failures.Add(ExclusionReason.LanguageMismatch);
            if (c.WantsKetamineAssistedTherapy && !x.OffersKetamineAssistedTherapy) failures.Add(ExclusionReason.KetamineNotOffered);
            if (c.ExcludedClinicianIds.Contains(x.Id)) failures.Add(ExclusionReason.PreviouslyDeclined);
            return failures;
        }

        private static bool Same(string? a, string? b) =>
            a is not null && b is not null && string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);
    }
}
