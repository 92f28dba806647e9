using Matching.Service.Referrals;
using Matching.Service.Referrals.Queue;
using Matching.Service.Web;

namespace Matching.Tests.Referrals.Queue;

/// <summary>How typed searches, sorts and queue times are read and shown, without a database.</summary>
public class QueueSearchParsingTests
{
    private static readonly TimeZoneInfo Denver = TimeZoneInfo.FindSystemTimeZoneById("America/Denver");

    [Theory]
    [InlineData("(303) 555-0101", "3035550101")]
    [InlineData("+1 303.555.0101", "3035550101")]
    [InlineData("303 555", "303555")]
    [InlineData("Ann Lee", null)]
    [InlineData("12", null)]
    public void a_phone_is_its_digits_whatever_the_punctuation(string typed, string? digits) =>
        QueueSearch.Parse(typed)!.Digits.ShouldBe(digits);

    [Fact]
    public void the_row_text_holds_name_and_email_in_lower_case_and_the_phone_digits()
    {
        var client = new IntakeClient("Ann", "De  La Cruz", "Ann@Example.ORG", "+1 (303) 555-0100", null, "CO", null, null);
        QueueSearch.TextOf(client).ShouldBe("ann de la cruz ann@example.org 3035550100");
    }

    [Fact]
    public void a_typed_reference_is_read_as_one_and_the_text_kept_for_names()
    {
        var search = QueueSearch.Parse(" 7k2m 9xp3 ")!;
        search.Reference.ShouldBe("7K2M-9XP3");
        search.Text.ShouldBe("7k2m 9xp3");
        QueueSearch.Parse("   ").ShouldBeNull();
        QueueSearch.Problem("a").ShouldNotBeNull();
        QueueSearch.Problem("li").ShouldBeNull();
    }

    [Fact]
    public void sorts_read_and_write_the_same_names()
    {
        foreach (var name in QueueSort.Names) QueueSort.Parse(name)!.ToString().ShouldBe(name);
        QueueSort.Parse("-due").ShouldBe(new QueueSort(QueueSortKey.Due, true));
        QueueSort.Parse("-newest").ShouldBeNull();
        QueueSort.Lifecycle.ShouldBe(Enum.GetValues<ReferralStatus>(), ignoreOrder: true);
    }

    [Theory]
    [InlineData(0, 0, 30, "under 1 min")]
    [InlineData(0, 35, 0, "35 min")]
    [InlineData(4, 59, 0, "4 h")]
    [InlineData(75, 0, 0, "3 d")]
    public void a_span_reads_in_its_largest_whole_unit(int hours, int minutes, int seconds, string words) =>
        TimeWords.Span(new TimeSpan(hours, minutes, seconds)).ShouldBe(words);

    [Fact]
    public void a_due_time_reads_relative_to_now()
    {
        var now = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
        TimeWords.Due(now.AddHours(-4), now).ShouldBe("overdue 4 h");
        TimeWords.Due(now.AddDays(2).AddHours(1), now).ShouldBe("due in 2 d");
    }

    [Fact]
    public void an_instant_reads_in_the_practice_zone_with_its_abbreviation()
    {
        TimeWords.At(new DateTimeOffset(2026, 12, 9, 17, 0, 0, TimeSpan.Zero), Denver).ShouldBe("Wed 9 Dec 10:00 MST");
        TimeWords.At(new DateTimeOffset(2026, 7, 1, 16, 0, 0, TimeSpan.Zero), Denver).ShouldBe("Wed 1 Jul 10:00 MDT");
        TimeWords.Iso(new DateTimeOffset(2026, 12, 9, 17, 0, 0, TimeSpan.Zero), Denver).ShouldBe("2026-12-09T10:00:00-07:00");
    }
}
