using Matching.Service.Matching;
using Matching.Service.Shared;
using static Matching.Tests.Engine.MatchingSamples;

namespace Matching.Tests.Engine;

public class ScoringTests
{
    private static RankedCandidate Only(ClientNeeds client, ClinicianCandidate clinician) =>
        Rank(client, clinician).Candidates.ShouldHaveSingleItem();

    [Fact]
    public void sample_scores_as_the_adr_works_it_out()
    {
        // 35 × 2/3 + 15 + 10 + 25 + 15 × 14/20 = 23.33 + 15 + 10 + 25 + 10.5 = 83.8
        var candidate = Only(Client(), Candidate());
        candidate.Score.ShouldBe(83.8);
        candidate.Rank.ShouldBe(1);
        candidate.Reasons.Select(r => r.Criterion).ShouldBe(["specialty", "modality", "identity", "availability", "capacity", "payment", "language"]);
        candidate.Points("specialty").ShouldBe(23.3);
        candidate.Points("capacity").ShouldBe(10.5);
    }

    [Fact]
    public void the_adr_worked_example_scores_63()
    {
        var client = Client() with
        {
            PreferredModalities = [Modality.Emdr, Modality.Ifs], PreferredGender = Gender.Female, WantsLgbtqAffirming = true
        };
        var clinician = Candidate() with
        {
            Gender = Gender.Female, LgbtqAffirming = false, TimeZone = "America/New_York",
            Availability = [new AvailabilityWindow(WeekDay.Monday, "19:00", "21:00")]
        };
        var candidate = Only(client, clinician);
        candidate.Reasons.Select(r => (r.Criterion, r.Points, r.Detail)).ShouldBe(
        [
            ("specialty", 23.3, "trauma and grief match their specialties (2 of 3 concerns)"),
            ("modality", 7.5, "offers EMDR (1 of 2 preferred)"),
            ("identity", 5, "gender preference met; not LGBTQ+-affirming"),
            ("availability", 16.7, "overlap on Mon evenings (2 h a week)"),
            ("capacity", 10.5, "14 of 20 places free; 3 new-client places left this week"),
            ("payment", 0, "in network with Aetna"),
            ("language", 0, "speaks English")
        ]);
        candidate.Score.ShouldBe(63.0);
    }

    [Fact]
    public void specialty_points_are_the_share_of_concerns_covered_and_name_them()
    {
        var candidate = Only(Client(), Candidate());
        candidate.Detail("specialty").ShouldBe("trauma and grief match their specialties (2 of 3 concerns)");

        Only(Client(), Candidate() with { Specialties = [Concern.Trauma, Concern.Grief, Concern.Anxiety] }).Points("specialty").ShouldBe(35);
        var none = Only(Client(), Candidate() with { Specialties = [Concern.Ocd] });
        none.Points("specialty").ShouldBe(0);
        none.Detail("specialty").ShouldBe("none of the 3 concerns is among their specialties");
        Only(Client() with { Concerns = [] }, Candidate()).Points("specialty").ShouldBe(35);
    }

    [Fact]
    public void modality_points_are_the_share_of_preferences_offered_and_full_without_a_preference()
    {
        Only(Client(), Candidate()).Detail("modality").ShouldBe("no modality preference");
        Only(Client(), Candidate()).Points("modality").ShouldBe(15);

        var prefers = Client() with { PreferredModalities = [Modality.Emdr, Modality.Ifs] };
        var half = Only(prefers, Candidate());
        half.Points("modality").ShouldBe(7.5);
        half.Detail("modality").ShouldBe("offers EMDR (1 of 2 preferred)");
    }

    [Fact]
    public void identity_is_neutral_when_not_asked_and_a_share_of_what_was_asked()
    {
        Only(Client(), Candidate()).Points("identity").ShouldBe(10);
        Only(Client(), Candidate()).Detail("identity").ShouldBe("no identity preference");

        var asks = Client() with { PreferredGender = Gender.Female, WantsLgbtqAffirming = true, WantsBipocAffirming = true };
        Only(asks, Candidate() with { Gender = Gender.Female, LgbtqAffirming = true, BipocAffirming = true }).Points("identity").ShouldBe(10);
        var partly = Only(asks, Candidate() with { Gender = Gender.Male, LgbtqAffirming = true, BipocAffirming = false });
        partly.Points("identity").ShouldBe(3.3);
        partly.Detail("identity").ShouldBe("gender preference not met; LGBTQ+-affirming; not BIPOC-affirming");
    }

    [Fact]
    public void capacity_rewards_the_clinician_with_more_room()
    {
        var roomy = Candidate("Roomy", Guid.NewGuid()) with { ActiveClients = 0, OpenProposals = 0 };
        var busy = Candidate("Busy", Guid.NewGuid()) with { ActiveClients = 18, OpenProposals = 1 };
        var result = Rank(Client(), busy, roomy);
        result.Candidates.Select(c => c.Name).ShouldBe(["Roomy", "Busy"]);
        result.Candidates[0].Points("capacity").ShouldBe(15);
        result.Candidates[1].Points("capacity").ShouldBe(0.8);
        result.Candidates[1].Detail("capacity").ShouldBe("1 of 20 places free; 3 new-client places left this week");
    }

    [Fact]
    public void weights_are_rescaled_to_100_and_their_version_is_reported()
    {
        var doubled = new MatchWeights { Version = "7", Specialty = 70, Modality = 30, Identity = 20, Availability = 50, Capacity = 30 };
        var result = MatchingEngine.Rank(Client(), [Candidate()], doubled, 10);
        result.WeightsVersion.ShouldBe("7");
        result.EngineVersion.ShouldBe(MatchingEngine.Version);
        result.Candidates[0].Score.ShouldBe(83.8);

        var onlySpecialty = new MatchWeights { Specialty = 1, Modality = 0, Identity = 0, Availability = -5, Capacity = double.NaN };
        MatchingEngine.Rank(Client(), [Candidate()], onlySpecialty, 10).Candidates[0].Score.ShouldBe(66.7);
    }

    [Fact]
    public void equal_scores_rank_by_name_then_id()
    {
        var idLow = Guid.Parse("00000000-0000-0000-0000-000000000001");
        var idHigh = Guid.Parse("00000000-0000-0000-0000-000000000002");
        var result = Rank(Client(), Candidate("Bea", idHigh), Candidate("Bea", idLow), Candidate("Abe", idHigh));
        result.Candidates.Select(c => (c.Name, c.ClinicianId)).ShouldBe([("Abe", idHigh), ("Bea", idLow), ("Bea", idHigh)]);
        result.Candidates.Select(c => c.Rank).ShouldBe([1, 2, 3]);
    }

    [Fact]
    public void only_the_best_limit_are_returned_but_all_eligible_are_counted()
    {
        var directory = Enumerable.Range(0, 30)
            .Select(i => Candidate($"C{i:00}", Guid.NewGuid()) with { ActiveClients = i % 15 })
            .ToArray();
        var result = MatchingEngine.Rank(Client(), directory, Weights, 5);
        result.EligibleCount.ShouldBe(30);
        result.Candidates.Count.ShouldBe(5);
        result.Candidates.Select(c => c.Name).ShouldBe(["C00", "C15", "C01", "C16", "C02"]);
        MatchingEngine.Rank(Client(), directory, Weights, 0).Candidates.ShouldBeEmpty();
    }
}
