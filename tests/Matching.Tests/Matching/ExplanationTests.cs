using Matching.Service.Matching;
using Matching.Service.Shared;
using static Matching.Tests.Engine.MatchingSamples;

namespace Matching.Tests.Engine;

/// <summary>The reasons a card shows, in words a coordinator reads without opening the profile.</summary>
public class ExplanationTests
{
    private static RankedCandidate Only(ClientNeeds client, ClinicianCandidate clinician) =>
        Rank(client, clinician).Candidates.ShouldHaveSingleItem();

    [Fact]
    public void availability_names_the_days_and_parts_of_day_that_overlap_in_the_practice_zone()
    {
        var client = Client() with
        {
            Availability =
            [
                new AvailabilityWindow(WeekDay.Tuesday, "15:00", "20:00"), new AvailabilityWindow(WeekDay.Saturday, "09:00", "12:00"),
                new AvailabilityWindow(WeekDay.Friday, "09:00", "12:00")
            ]
        };
        // Written in New York: Tuesday 16:00–21:00 there is 14:00–19:00 in Denver; Saturday 11:00–13:00 is 09:00–11:00.
        var clinician = Candidate() with
        {
            TimeZone = "America/New_York",
            Availability = [new AvailabilityWindow(WeekDay.Tuesday, "16:00", "21:00"), new AvailabilityWindow(WeekDay.Saturday, "11:00", "13:00")]
        };

        Only(client, clinician).Detail("availability").ShouldBe("overlap on Tue afternoons and evenings, Sat mornings (6 h a week)");
    }

    [Fact]
    public void capacity_says_the_places_left_in_the_caseload_and_this_week()
    {
        var clinician = Candidate() with { CaseloadLimit = 20, ActiveClients = 17, OpenProposals = 1, WeeklyNewClientLimit = 3, NewClientsLast7Days = 2 };
        Only(Client(), clinician).Detail("capacity").ShouldBe("2 of 20 places free; 1 new-client place left this week");
    }

    [Fact]
    public void specialty_names_one_concern_in_the_singular_and_several_joined_with_and()
    {
        Only(Client(), Candidate() with { Specialties = [Concern.Anxiety] }).Detail("specialty")
            .ShouldBe("anxiety matches their specialties (1 of 3 concerns)");
        Only(Client(), Candidate() with { Specialties = [Concern.Anxiety, Concern.Trauma, Concern.Grief] }).Detail("specialty")
            .ShouldBe("anxiety, trauma and grief match their specialties (3 of 3 concerns)");
    }

    [Fact]
    public void language_names_the_languages_shared_as_the_clinician_spells_them()
    {
        var client = Client() with { Languages = ["spanish", "English"] };
        var clinician = Candidate() with { Languages = ["English", " Spanish ", "Korean"] };

        var candidate = Only(client, clinician);
        candidate.Detail("language").ShouldBe("speaks English and Spanish");
        candidate.Points("language").ShouldBe(0);
    }
}
