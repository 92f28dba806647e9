using Matching.Service.Shared;

namespace Matching.Tests.Shared;

public class PracticeTimeTests
{
    private static readonly TimeZoneInfo Denver = TimeZoneInfo.FindSystemTimeZoneById("America/Denver");

    [Fact]
    public void a_time_shown_alone_is_in_the_practice_zone_with_its_abbreviation()
    {
        PracticeTime.Moment(new DateTimeOffset(2026, 12, 9, 17, 0, 0, TimeSpan.Zero), Denver, 2026).ShouldBe("Wed 9 Dec 10:00 MST");
        PracticeTime.Moment(new DateTimeOffset(2026, 7, 1, 16, 0, 0, TimeSpan.Zero), Denver, 2026).ShouldBe("Wed 1 Jul 10:00 MDT");
        PracticeTime.Moment(new DateTimeOffset(2027, 1, 4, 17, 0, 0, TimeSpan.Zero), Denver, 2026).ShouldBe("Mon 4 Jan 2027 10:00 MST");
    }

    [Fact]
    public void a_zone_without_an_abbreviation_in_the_database_shows_its_offset()
    {
        var custom = TimeZoneInfo.CreateCustomTimeZone("Practice/Custom", TimeSpan.FromHours(-5), "Custom", "Custom");
        PracticeTime.Abbreviation(new DateTimeOffset(2026, 12, 9, 17, 0, 0, TimeSpan.Zero), custom).ShouldBe("UTC-05:00");
    }

    [Fact]
    public void due_times_read_as_due_in_or_overdue_in_the_largest_whole_unit()
    {
        var now = new DateTimeOffset(2026, 12, 9, 17, 0, 0, TimeSpan.Zero);
        PracticeTime.Due(now.AddHours(4).AddMinutes(20), now).ShouldBe("due in 4 h");
        PracticeTime.Due(now.AddMinutes(-125), now).ShouldBe("overdue 2 h");
        PracticeTime.Due(now.AddSeconds(20), now).ShouldBe("due in under 1 min");
        PracticeTime.Due(now.AddDays(2).AddHours(1), now).ShouldBe("due in 2 d");
        PracticeTime.Due(now.AddDays(-3), now).ShouldBe("overdue 3 d");
        PracticeTime.Span(TimeSpan.FromHours(47)).ShouldBe("47 h");
    }

    [Fact]
    public void an_instant_has_a_machine_readable_form_with_the_zone_offset() =>
        PracticeTime.Iso(new DateTimeOffset(2026, 12, 9, 17, 0, 0, TimeSpan.Zero), TimeZoneInfo.FindSystemTimeZoneById("America/Denver"))
            .ShouldBe("2026-12-09T10:00:00-07:00");
}
