using Matching.Service.Infrastructure;

namespace Matching.Tests.Infrastructure;

public class MatchingOptionsTests
{
    [Theory]
    [InlineData("72:00:00", 72 * 60)]
    [InlineData("00:15:00", 15)]
    [InlineData("14.00:00:00", 14 * 24 * 60)]
    [InlineData("1.02:03:00", 26 * 60 + 3)]
    public void durations_read_hours_past_24_as_hours(string raw, int minutes) =>
        MatchingOptions.ParseDuration(raw).ShouldBe(TimeSpan.FromMinutes(minutes));

    [Fact]
    public void a_duration_that_is_not_one_is_refused() => MatchingOptions.ParseDuration("soon").ShouldBeNull();
}
