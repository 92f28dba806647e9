using BenchmarkDotNet.Attributes;
using Matching.Service.Matching;
using Matching.Service.Referrals;
using Matching.Service.Shared;

namespace Matching.Benchmarks;

/// <summary>
/// Ranking 10,000 clinicians for one referral, against a baseline loop that only counts who passes
/// the filters: the ratio is what scoring, top-N selection and explaining the winners add.
/// </summary>
[MemoryDiagnoser, MedianColumn]
public class RankingBenchmarks
{
    private const int DirectorySize = 10_000;
    private const int Limit = 10;

    private ClientNeeds client = null!;
    private ClinicianCandidate[] directory = null!;
    private readonly MatchWeights weights = new();

    [GlobalSetup]
    public void Setup()
    {
        client = new ClientNeeds
        {
            Format = FormatPreference.Either,
            State = "CO",
            SessionType = SessionType.Individual,
            AgeGroup = AgeGroup.Adult,
            PaymentMethod = PaymentMethod.Insurance,
            Payer = "Aetna",
            Languages = ["English", "Spanish"],
            Concerns = [Concern.Trauma, Concern.Grief, Concern.Anxiety],
            PreferredModalities = [Modality.Emdr, Modality.Cbt],
            PreferredGender = Gender.Female,
            WantsLgbtqAffirming = true,
            Availability = [new AvailabilityWindow(WeekDay.Monday, "17:00", "20:00"), new AvailabilityWindow(WeekDay.Thursday, "08:00", "11:00")],
            ExcludedClinicianIds = [Guid.Parse("00000000-0000-0000-0000-000000000007")]
        };

        // A fixed seed: the same directory every run, with a realistic spread of exclusions.
        var random = new Random(20_260_302);
        string[] states = ["CO", "UT", "NM", "WY", "AZ"];
        string[] zones = ["America/Denver", "America/New_York", "America/Los_Angeles", "America/Phoenix"];
        string[] payers = ["Aetna", "Cigna", "United", "Kaiser"];
        T[] Some<T>(T[] values, int max) => values.OrderBy(_ => random.Next()).Take(random.Next(1, max + 1)).ToArray();

        directory = new ClinicianCandidate[DirectorySize];
        for (var i = 0; i < DirectorySize; i++)
        {
            var hour = random.Next(7, 19);
            directory[i] = new ClinicianCandidate
            {
                Id = new Guid(i, 0, 0, new byte[8]),
                Name = $"Clinician {i:00000}",
                AcceptingNewClients = random.Next(10) > 0,
                Paused = random.Next(20) == 0,
                Offboarded = random.Next(50) == 0,
                CaseloadLimit = random.Next(10, 30),
                ActiveClients = random.Next(0, 25),
                OpenProposals = random.Next(0, 3),
                WeeklyNewClientLimit = random.Next(2, 5),
                NewClientsLast7Days = random.Next(0, 3),
                LicensedStates = Some(states, 2),
                OfficeStates = Some(states, 1),
                Formats = Some([SessionFormat.InPerson, SessionFormat.Telehealth], 2),
                SessionTypes = Some(Enum.GetValues<SessionType>(), 3),
                AgeGroups = Some(Enum.GetValues<AgeGroup>(), 3),
                Specialties = Some(Enum.GetValues<Concern>(), 6),
                Modalities = Some(Enum.GetValues<Modality>(), 4),
                Languages = random.Next(4) == 0 ? ["English", "Spanish"] : ["English"],
                Payers = Some(payers, 3),
                SelfPayRate = random.Next(80, 220),
                SlidingScaleMin = random.Next(3) == 0 ? random.Next(50, 120) : null,
                Gender = (Gender)random.Next(3),
                LgbtqAffirming = random.Next(2) == 0,
                BipocAffirming = random.Next(2) == 0,
                OffersKetamineAssistedTherapy = random.Next(10) == 0,
                TimeZone = zones[random.Next(zones.Length)],
                Availability =
                [
                    new AvailabilityWindow((WeekDay)random.Next(7), $"{hour:00}:00", $"{hour + random.Next(1, 5):00}:00"),
                    new AvailabilityWindow((WeekDay)random.Next(7), $"{hour:00}:30", $"{hour + 2:00}:30")
                ]
            };
        }

        // The spread the run measures, printed in the log next to the results.
        var sample = Rank();
        Console.WriteLine($"// Directory: considered {sample.ConsideredCount}, eligible {sample.EligibleCount}, excluded " +
            string.Join(", ", sample.ExclusionCounts.Select(e => $"{e.Key.Key()} {e.Value}")));
    }

    [Benchmark(Baseline = true, Description = "count passing filters")]
    public int CountEligible()
    {
        var eligible = 0;
        for (var i = 0; i < directory.Length; i++)
        {
            var clinician = directory[i];
            if (!clinician.Offboarded && MatchingEngine.FirstFailedFilter(client, clinician) is null) eligible++;
        }

        return eligible;
    }

    [Benchmark(Description = "rank 10,000, top 10")]
    public MatchResult Rank() => MatchingEngine.Rank(client, directory, weights, Limit);
}
