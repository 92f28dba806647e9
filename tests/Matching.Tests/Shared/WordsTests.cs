using System.Text.Json;
using Matching.Service.Infrastructure;
using Matching.Service.Matching;
using Matching.Service.Referrals;
using Matching.Service.Shared;

namespace Matching.Tests.Shared;

public class WordsTests
{
    [Fact]
    public void every_value_of_every_vocabulary_is_spelled_as_the_api_writes_it()
    {
        var enums = typeof(Referral).Assembly.GetTypes().Where(t => t.IsEnum && t.IsPublic).ToList();
        enums.Count.ShouldBeGreaterThan(20);
        foreach (var type in enums)
        foreach (Enum value in Enum.GetValues(type))
            Words.Wire(value).ShouldBe(JsonSerializer.Serialize(value, type, ServiceSetup.Conventions).Trim('"'), $"{type.Name}.{value}");
    }

    [Theory]
    [InlineData(Concern.LifeTransitions, "life transitions", "Life transitions")]
    [InlineData(Concern.Ocd, "OCD", "OCD")]
    [InlineData(Concern.LgbtqIdentity, "LGBTQ+ identity", "LGBTQ+ identity")]
    [InlineData(Modality.KetamineAssisted, "ketamine-assisted therapy", "Ketamine-assisted therapy")]
    [InlineData(SessionFormat.InPerson, "in person", "In person")]
    public void vocabulary_reads_as_words_in_a_sentence_and_as_a_label<T>(T value, string words, string label) where T : struct, Enum
    {
        Words.Of(value).ShouldBe(words);
        Words.Label(value).ShouldBe(label);
        // The API's spelling of the same value reads the same.
        Words.Label(Words.Wire(value)).ShouldBe(label);
    }

    [Fact]
    public void names_read_as_words()
    {
        Words.Label("MatchesSuggested").ShouldBe("Matches suggested");
        Words.Label("previouslyDeclined").ShouldBe("Previously declined");
        Words.Of("SubmitIntake").ShouldBe("submit intake");
        Words.Wire(ExclusionReason.NotLicensedInState).ShouldBe(ExclusionReason.NotLicensedInState.Key());
    }
}
