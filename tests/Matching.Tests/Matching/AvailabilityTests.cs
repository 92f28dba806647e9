using Matching.Service.Matching;
using Matching.Service.Shared;
using static Matching.Tests.Engine.MatchingSamples;

namespace Matching.Tests.Engine;

/// <summary>Client windows are in the practice zone (America/Denver), each clinician's in their own.</summary>
public class AvailabilityTests
{
    private static AvailabilityWindow On(WeekDay day, string from, string to) => new(day, from, to);

    private static RankedCandidate Only(ClientNeeds client, ClinicianCandidate clinician) =>
        Rank(client, clinician).Candidates.ShouldHaveSingleItem();

    [Fact]
    public void same_evening_in_new_york_and_denver_overlaps_in_absolute_time()
    {
        // Monday 19:00–22:00 in New York is 17:00–20:00 in Denver: the client's whole window.
        var newYorker = Candidate() with { TimeZone = "America/New_York", Availability = [On(WeekDay.Monday, "19:00", "22:00")] };
        var candidate = Only(Client(), newYorker);
        candidate.Points("availability").ShouldBe(25);
        candidate.Detail("availability").ShouldBe("overlap on Mon evenings (3 h a week)");

        // The same clock hours in New York are two hours earlier for the client: only 1 hour overlaps.
        var sameClock = newYorker with { Availability = [On(WeekDay.Monday, "17:00", "20:00")] };
        var partial = Only(Client(), sameClock);
        partial.Detail("availability").ShouldBe("overlap on Mon evenings (1 h a week)");
        partial.Points("availability").ShouldBe(8.3);
    }

    [Fact]
    public void window_crossing_midnight_after_conversion_still_overlaps()
    {
        // Tuesday 16:00–20:00 in Denver is Tuesday 23:00 – Wednesday 03:00 UTC.
        var client = Client() with { Availability = [On(WeekDay.Tuesday, "16:00", "20:00")] };
        var london = Candidate() with { TimeZone = "Europe/London", Availability = [On(WeekDay.Wednesday, "00:00", "02:00")] };
        Only(client, london).Detail("availability").ShouldBe("overlap on Tue evenings (2 h a week)");
    }

    [Fact]
    public void sunday_evening_in_denver_meets_monday_midday_in_tokyo_across_the_week_boundary()
    {
        // Sunday 20:00–23:00 in Denver is Monday 03:00–06:00 UTC, which is Monday 12:00–15:00 in Tokyo.
        var client = Client() with { Availability = [On(WeekDay.Sunday, "20:00", "23:00")] };
        var tokyo = Candidate() with { TimeZone = "Asia/Tokyo", Availability = [On(WeekDay.Monday, "12:00", "15:00")] };
        Only(client, tokyo).Points("availability").ShouldBe(25);

        var intervals = WeeklyAvailability.ToIntervals(client.Availability, client.TimeZone);
        intervals.ShouldBe([180, 360]);
    }

    [Fact]
    public void a_fixed_reference_week_keeps_dst_from_changing_the_result()
    {
        // Phoenix never observes DST; in the reference week Denver is on standard time too, so they align,
        // whatever the date the engine runs on.
        var phoenix = Candidate() with { TimeZone = "America/Phoenix", Availability = [On(WeekDay.Monday, "17:00", "20:00")] };
        var first = Rank(Client(), phoenix);
        first.Candidates[0].Points("availability").ShouldBe(25);
        Rank(Client(), phoenix).ShouldBeEquivalentTo(first);

        // A southern-hemisphere zone on summer time in January converts the same way every run.
        var sydney = Candidate() with { TimeZone = "Australia/Sydney", Availability = [On(WeekDay.Tuesday, "10:00", "13:00")] };
        // Tuesday 10:00–13:00 in Sydney (UTC+11) is Monday 16:00–19:00 in Denver: 2 of the client's 3 hours.
        Only(Client(), sydney).Detail("availability").ShouldBe("overlap on Mon evenings (2 h a week)");
    }

    [Fact]
    public void windows_are_merged_and_invalid_ones_ignored()
    {
        var windows = new[]
        {
            On(WeekDay.Monday, "09:00", "11:00"), On(WeekDay.Monday, "10:00", "12:00"),
            new AvailabilityWindow(null, "09:00", "10:00"), On(WeekDay.Friday, "12:00", "09:00")
        };
        var intervals = WeeklyAvailability.ToIntervals(windows, TimeZoneInfo.Utc);
        intervals.ShouldBe([540, 720]);
    }

    [Fact]
    public void no_client_windows_is_neutral_and_no_clinician_windows_earns_nothing()
    {
        Only(Client() with { Availability = [] }, Candidate()).Points("availability").ShouldBe(25);
        var none = Only(Client(), Candidate() with { Availability = [] });
        none.Points("availability").ShouldBe(0);
        none.Detail("availability").ShouldBe("no overlap with the client's windows");
    }

    [Fact]
    public void three_hours_of_overlap_earn_full_points_even_when_the_client_offers_more()
    {
        var client = Client() with { Availability = [On(WeekDay.Monday, "09:00", "17:00")] };
        Only(client, Candidate() with { Availability = [On(WeekDay.Monday, "09:00", "12:00")] }).Points("availability").ShouldBe(25);
        Only(client, Candidate() with { Availability = [On(WeekDay.Monday, "09:00", "10:30")] }).Points("availability").ShouldBe(12.5);
    }
}
