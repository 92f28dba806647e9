using System.Text.Json;
using Matching.Service.Infrastructure;
using Matching.Service.Matching;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Suggesting;
using Matching.Tests.Engine;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.Suggesting;

public class SuggestMatchesTests
{
    private static readonly SuggestMatchesValidator Validator = new();

    private static readonly SuggestMatches Command = new(null, null);
    private static readonly TimeZoneInfo Denver = ClientNeeds.DefaultTimeZone;

    private static ClinicianCandidate Candidate(string name, Guid id) => MatchingSamples.Candidate(name, id);

    private static readonly Guid Grace = Guid.Parse("0195b000-0000-7000-8000-0000000000a1");
    private static readonly Guid Omar = Guid.Parse("0195b000-0000-7000-8000-0000000000a2");
    private static readonly Guid Lena = Guid.Parse("0195b000-0000-7000-8000-0000000000a3");
    private static readonly Guid Paul = Guid.Parse("0195b000-0000-7000-8000-0000000000a4");
    private static readonly Guid Rita = Guid.Parse("0195b000-0000-7000-8000-0000000000a5");

    // Grace fits best (more free places), Omar fits, Lena is full, Paul is licensed elsewhere, Rita has left.
    private static IReadOnlyList<ClinicianCandidate> Directory(Guid? declined = null) =>
    [
        Candidate("Grace Kim", Grace) with { ActiveClients = 0, OpenProposals = 0 },
        Candidate("Omar Haddad", declined ?? Omar),
        Candidate("Lena Park", Lena) with { ActiveClients = 20 },
        Candidate("Paul Reyes", Paul) with { LicensedStates = ["WY"], OfficeStates = ["WY"] },
        Candidate("Rita Alvarez", Rita) with { Offboarded = true }
    ];

    [Theory]
    [InlineData(null)]
    [InlineData(1)]
    [InlineData(50)]
    public void limit_from_1_to_50_or_none_is_accepted(int? limit) =>
        SuggestMatchesHandler.Validate(Command with { Limit = limit }, Given.Submitted().Triaged().Referral, Validator).ShouldBeAllowed();

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(51)]
    [InlineData(int.MaxValue)]
    public void limit_outside_1_to_50_is_invalid(int limit) =>
        SuggestMatchesHandler.Validate(Command with { Limit = limit }, Given.Submitted().Triaged().Referral, Validator)
            .ShouldBeInvalid("limit");

    [Fact]
    public void missing_body_is_invalid() =>
        SuggestMatchesHandler.Validate(null!, Given.Submitted().Triaged().Referral, Validator).ShouldBeInvalid("body");

    [Fact]
    public void waitlisted_referral_can_be_matched() =>
        SuggestMatchesHandler.Validate(Command, Given.Submitted().Triaged().Waitlisted().Referral, Validator).ShouldBeAllowed();

    [Fact]
    public void untriaged_referral_is_not_matched() =>
        SuggestMatchesHandler.Validate(Command, Given.Submitted().Referral, Validator).ShouldBeConflict("invalidTransition");

    [Fact]
    public void referral_with_an_open_proposal_is_not_matched() =>
        SuggestMatchesHandler.Validate(Command, Given.Submitted().Triaged().Proposed().Referral, Validator)
            .ShouldBeConflict("invalidTransition");

    [Fact]
    public void closed_referral_is_not_matched() =>
        SuggestMatchesHandler.Validate(Command, Given.Submitted().Triaged().Closed().Referral, Validator)
            .ShouldBeConflict("invalidTransition");

    [Fact]
    public void urgent_referral_is_not_matched_before_risk_acknowledgement() =>
        SuggestMatchesHandler.Validate(Command, Given.Submitted(urgent: true).Referral, Validator).ShouldBeConflict("riskNotAcknowledged");

    [Fact]
    public void stale_expected_version_is_refused() =>
        SuggestMatchesHandler.Validate(Command with { ExpectedVersion = 1 }, Given.Submitted().Triaged().Referral, Validator)
            .ShouldBeConflict("staleVersion");

    [Fact]
    public void run_records_counts_that_add_up_and_candidates_by_score()
    {
        var given = Given.Submitted().Triaged();
        var suggested = SuggestMatchesHandler.Decide(given.Referral, Command, Directory(), new MatchWeights(), Denver);

        suggested.EngineVersion.ShouldBe(MatchingEngine.Version);
        suggested.WeightsVersion.ShouldBe("1");
        suggested.Limit.ShouldBe(SuggestMatches.DefaultLimit);
        suggested.ConsideredCount.ShouldBe(4);
        suggested.EligibleCount.ShouldBe(2);
        suggested.ExclusionCounts.ShouldBe(new SuggestionExclusions(0, 1, 0, 1, 0, 0, 0, 0, 0, 0));
        (suggested.EligibleCount + suggested.ExclusionCounts.Total()).ShouldBe(suggested.ConsideredCount);
        suggested.Candidates.Select(c => (c.ClinicianId, c.Rank)).ShouldBe([(Grace, 1), (Omar, 2)]);
        suggested.Candidates[0].Score.ShouldBeGreaterThan(suggested.Candidates[1].Score);
        suggested.Candidates[0].Reasons.Select(r => r.Criterion).ShouldContain("specialty");
        suggested.Candidates[0].Reasons.Sum(r => r.Points).ShouldBe(suggested.Candidates[0].Score, 0.5);

        given.After([suggested]).LastSuggestedAt.ShouldNotBeNull();
    }

    [Fact]
    public void limit_keeps_the_best_and_still_counts_every_eligible()
    {
        var suggested = SuggestMatchesHandler.Decide(Given.Submitted().Triaged().Referral, Command with { Limit = 1 }, Directory(), new MatchWeights(), Denver);
        suggested.EligibleCount.ShouldBe(2);
        suggested.Candidates.ShouldHaveSingleItem().ClinicianId.ShouldBe(Grace);
    }

    [Fact]
    public void clinician_who_declined_this_referral_is_counted_as_previously_declined()
    {
        var given = Given.Submitted().Triaged().Proposed(Omar).Declined();
        var suggested = SuggestMatchesHandler.Decide(given.Referral, Command, Directory(), new MatchWeights(), Denver);
        suggested.ExclusionCounts.PreviouslyDeclined.ShouldBe(1);
        suggested.Candidates.Select(c => c.ClinicianId).ShouldNotContain(Omar);
    }

    [Fact]
    public void recorded_run_names_no_client_and_keeps_the_contract_key_order()
    {
        var suggested = SuggestMatchesHandler.Decide(Given.Submitted().Triaged().Referral, Command, Directory(), new MatchWeights(), Denver);
        var options = new JsonSerializerOptions();
        ServiceSetup.Configure(options);
        var json = JsonSerializer.Serialize(suggested, options);

        var client = Samples.Intake().Client!;
        foreach (var personal in new[] { client.FirstName!, client.LastName!, client.Email!, client.Phone!, "1990-04-02", "W123", "Prefers evenings" })
            json.ShouldNotContain(personal);

        var keys = JsonDocument.Parse(json).RootElement.GetProperty("exclusionCounts").EnumerateObject().Select(p => p.Name);
        keys.ShouldBe(ExclusionReasons.All.Select(r => r.Key()));
    }

    [Fact]
    public void summary_gives_eligible_considered_and_top_score()
    {
        var suggested = SuggestMatchesHandler.Decide(Given.Submitted().Triaged().Referral, Command, Directory(), new MatchWeights(), Denver);
        EventSummaries.Describe(suggested)
            .ShouldBe($"Matches suggested: 2 eligible of 4; top score {suggested.Candidates[0].Score.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)}");
        EventSummaries.Describe(suggested with { EligibleCount = 0, Candidates = [] }).ShouldBe("Matches suggested: none eligible of 4");
    }
}
