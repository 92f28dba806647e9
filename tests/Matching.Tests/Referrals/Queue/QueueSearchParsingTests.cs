using Matching.Service.Referrals;
using Matching.Service.Referrals.Queue;

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
}
