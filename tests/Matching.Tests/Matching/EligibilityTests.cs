using Matching.Service.Matching;
using Matching.Service.Referrals;
using Matching.Service.Shared;
using static Matching.Tests.Engine.MatchingSamples;

namespace Matching.Tests.Engine;

/// <summary>The whole directory judged for one client: who is eligible in which order, and why the others are not.</summary>
public class EligibilityTests
{
    private static Guid Id(int n) => Guid.Parse($"0195b000-0000-7000-8000-{n:D12}");

    private static IReadOnlyList<ClinicianEligibility> Judge(ClientNeeds client, params ClinicianCandidate[] directory) =>
        Eligibility.Of(client, directory, Weights);

    [Fact]
    public void eligible_come_first_in_the_engines_rank_order_then_the_excluded_by_name()
    {
        var best = Candidate("Zoe Best", Id(1)) with { Specialties = [Concern.Trauma, Concern.Grief, Concern.Anxiety] };
        var good = Candidate("Adam Good", Id(2));
        var utah = Candidate("Beth Utah", Id(3)) with { LicensedStates = ["UT"], OfficeStates = ["UT"] };
        var paused = Candidate("Alan Paused", Id(4)) with { Paused = true };
        var gone = Candidate("Gone Away", Id(5)) with { Offboarded = true };

        var judged = Judge(Client(), utah, good, paused, gone, best);

        judged.Select(j => j.Name).ShouldBe(["Zoe Best", "Adam Good", "Alan Paused", "Beth Utah"]);
        judged.Select(j => j.Rank).ShouldBe([1, 2, null, null]);
        var ranked = Rank(Client(), utah, good, paused, gone, best).Candidates;
        judged.Take(2).Select(j => (j.ClinicianId, j.Score)).ShouldBe(ranked.Select(r => (r.ClinicianId, (double?)r.Score)));
    }

    [Fact]
    public void each_excluded_clinician_has_every_failed_filter_in_words()
    {
        var client = Client() with { Format = FormatPreference.Telehealth, WantsKetamineAssistedTherapy = true };
        var clinician = Candidate() with { LicensedStates = ["UT"], Formats = [SessionFormat.InPerson], Payers = ["Cigna"] };

        var judged = Judge(client, clinician).ShouldHaveSingleItem();

        judged.Eligible.ShouldBeFalse();
        judged.FailedFilters.ShouldBe([ExclusionReason.FormatMismatch, ExclusionReason.NotLicensedInState, ExclusionReason.PayerMismatch,
            ExclusionReason.KetamineNotOffered]);
        judged.Reasons.ShouldBe(["No telehealth", "Not licensed in CO", "Not in network with Aetna", "Doesn't offer ketamine-assisted therapy"]);
        judged.Overridable.ShouldBeTrue();
    }

    [Fact]
    public void a_licence_reason_that_only_repeats_a_format_mismatch_is_left_out_and_a_missing_office_is_named()
    {
        var inPersonClient = Client() with { Format = FormatPreference.InPerson };
        Judge(inPersonClient, Candidate() with { Formats = [SessionFormat.Telehealth] }).Single().Reasons.ShouldBe(["No in-person sessions"]);
        Judge(inPersonClient, Candidate() with { OfficeStates = ["UT"] }).Single().Reasons.ShouldBe(["No office in CO"]);
        Judge(Client(), Candidate() with { OfficeStates = ["UT"], Formats = [SessionFormat.InPerson] }).Single().Reasons
            .ShouldBe(["No office in CO and no telehealth"]);
    }

    [Fact]
    public void not_taking_clients_or_declined_before_cannot_be_overridden()
    {
        var client = Client() with { ExcludedClinicianIds = [Id(3)] };
        var judged = Judge(client,
            Candidate("Paused", Id(1)) with { Paused = true },
            Candidate("Closed", Id(2)) with { AcceptingNewClients = false },
            Candidate("Declined", Id(3)),
            Candidate("Full", Id(4)) with { ActiveClients = 19 },
            Candidate("Busy week", Id(5)) with { NewClientsLast7Days = 3 },
            Candidate("No new ones", Id(6)) with { WeeklyNewClientLimit = 0 });

        judged.ToDictionary(j => j.Name, j => (string.Join("; ", j.Reasons), j.Overridable)).ShouldBe(new Dictionary<string, (string, bool)>
        {
            ["Paused"] = ("Paused", false),
            ["Closed"] = ("Not accepting new clients", false),
            ["Declined"] = ("Declined, let lapse or had withdrawn a proposal for this client", false),
            ["Full"] = ("Caseload full (20 of 20 places taken)", true),
            ["Busy week"] = ("Weekly new-client limit reached (3 of 3 in the last 7 days)", true),
            ["No new ones"] = ("Weekly new-client limit set to 0", true)
        }, ignoreOrder: true);
    }

    [Fact]
    public void language_and_session_type_and_age_group_are_said_for_this_client()
    {
        var client = Client() with { Languages = ["Spanish", "Portuguese"], SessionType = SessionType.Couples, AgeGroup = AgeGroup.OlderAdult };
        Judge(client, Candidate()).Single().Reasons.ShouldBe(
            ["No couples sessions", "Doesn't see older adult clients", "Doesn't speak Spanish or Portuguese"]);
    }
}
