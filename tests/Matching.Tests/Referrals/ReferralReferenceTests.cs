using Matching.Service.Referrals;
using Matching.Service.Referrals.SubmittingIntake;

namespace Matching.Tests.Referrals;

public class ReferralReferenceTests
{
    [Fact]
    public void a_reference_is_eight_unambiguous_characters_in_two_groups_and_stable_for_an_id()
    {
        var id = Guid.CreateVersion7();
        var reference = ReferralReference.Of(id);

        reference.ShouldMatch("^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$");
        ReferralReference.Of(id).ShouldBe(reference);
    }

    [Fact]
    public void ids_made_in_the_same_millisecond_or_from_keys_get_different_references()
    {
        // Version 7 ids share their leading timestamp bits; the reference is read from the random part.
        var references = Enumerable.Range(0, 10_000).Select(_ => ReferralReference.Of(Guid.CreateVersion7()))
            .Concat(Enumerable.Range(0, 10_000).Select(i => ReferralReference.Of(SubmitIntakeHandler.StreamIdFor($"key-{i}"))))
            .ToList();

        references.Distinct().Count().ShouldBeGreaterThanOrEqualTo(references.Count - 1);
    }

    [Theory]
    [InlineData("7k2m-9xp3", "7K2M-9XP3")]
    [InlineData(" 7K2M 9XP3 ", "7K2M-9XP3")]
    [InlineData("7K2M9XP3", "7K2M-9XP3")]
    [InlineData("OIL0-1111", "0110-1111")]
    public void what_a_person_types_is_read_as_the_reference(string typed, string expected) =>
        ReferralReference.Normalize(typed).ShouldBe(expected);

    [Theory]
    [InlineData("")]
    [InlineData("7K2M-9XP")]
    [InlineData("7K2M-9XP3-1")]
    [InlineData("UUUU-UUUU")]
    [InlineData("robin@example.org")]
    public void anything_else_is_not_a_reference(string typed) => ReferralReference.Normalize(typed).ShouldBeNull();

    [Fact]
    public void a_reference_reads_back_as_itself()
    {
        var reference = ReferralReference.Of(Guid.CreateVersion7());
        ReferralReference.Normalize(reference).ShouldBe(reference);
    }
}
