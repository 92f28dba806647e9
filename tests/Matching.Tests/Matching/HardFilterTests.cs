using Matching.Service.Clinicians;
using Matching.Service.Clinicians.Workload;
using Matching.Service.Matching;
using Matching.Service.Referrals;
using Matching.Service.Shared;
using Matching.Tests.Support;
using ClinicianState = Matching.Service.Clinicians.Clinician;
using static Matching.Tests.Engine.MatchingSamples;

namespace Matching.Tests.Engine;

public class HardFilterTests
{
    private static ExclusionReason? First(ClientNeeds client, ClinicianCandidate clinician) =>
        MatchingEngine.FirstFailedFilter(client, clinician);

    [Fact]
    public void sample_client_and_clinician_match_on_every_filter()
    {
        MatchingEngine.FailedFilters(Client(), Candidate()).ShouldBeEmpty();
        var result = Rank(Client(), Candidate());
        result.EligibleCount.ShouldBe(1);
        result.Candidates.Single().ClinicianId.ShouldBe(ClinicianId);
    }

    [Fact]
    public void clinician_not_accepting_or_paused_is_not_accepting()
    {
        First(Client(), Candidate() with { AcceptingNewClients = false }).ShouldBe(ExclusionReason.NotAccepting);
        First(Client(), Candidate() with { Paused = true }).ShouldBe(ExclusionReason.NotAccepting);
    }

    [Fact]
    public void offboarded_clinician_is_not_considered_at_all()
    {
        var result = Rank(Client(), Candidate(), Candidate("Zed", Guid.NewGuid()) with { Offboarded = true });
        result.ConsideredCount.ShouldBe(1);
        result.EligibleCount.ShouldBe(1);
        result.ExclusionCounts.Values.Sum().ShouldBe(0);
        // Asked directly (a proposal), an offboarded clinician is not accepting.
        First(Client(), Candidate() with { Offboarded = true }).ShouldBe(ExclusionReason.NotAccepting);
    }

    [Theory]
    [InlineData(20, 15, 5, 0, 3, true)] // caseload full with open proposals
    [InlineData(20, 19, 0, 0, 3, false)] // one place left
    [InlineData(20, 25, 0, 0, 3, true)] // over-booked
    [InlineData(20, 5, 0, 3, 3, true)] // weekly new-client limit reached
    [InlineData(20, 5, 0, 2, 3, false)]
    public void caseload_and_weekly_limit_decide_capacity(int caseload, int active, int open, int newThisWeek, int weekly, bool excluded)
    {
        var clinician = Candidate() with
        {
            CaseloadLimit = caseload, ActiveClients = active, OpenProposals = open,
            NewClientsLast7Days = newThisWeek, WeeklyNewClientLimit = weekly
        };
        (First(Client(), clinician) == ExclusionReason.NoCapacity).ShouldBe(excluded);
    }

    [Fact]
    public void clinician_offering_none_of_the_accepted_formats_is_a_format_mismatch()
    {
        var telehealthOnly = Client() with { Format = FormatPreference.Telehealth };
        First(telehealthOnly, Candidate() with { Formats = [SessionFormat.InPerson] }).ShouldBe(ExclusionReason.FormatMismatch);
        First(telehealthOnly, Candidate() with { Formats = [SessionFormat.Telehealth] }).ShouldBeNull();
        First(Client() with { Format = FormatPreference.Either }, Candidate() with { Formats = [SessionFormat.InPerson] }).ShouldBeNull();
    }

    [Fact]
    public void telehealth_needs_a_licence_in_the_clients_state()
    {
        var telehealth = Candidate() with { Formats = [SessionFormat.Telehealth], OfficeStates = [] };
        First(Client(), telehealth with { LicensedStates = ["UT"] }).ShouldBe(ExclusionReason.NotLicensedInState);
        First(Client(), telehealth with { LicensedStates = ["UT", " co "] }).ShouldBeNull();
    }

    [Fact]
    public void in_person_needs_an_office_and_a_licence_in_the_clients_state()
    {
        var inPersonClient = Client() with { Format = FormatPreference.InPerson };
        First(inPersonClient, Candidate() with { LicensedStates = ["CO"], OfficeStates = ["UT"] }).ShouldBe(ExclusionReason.NotLicensedInState);
        First(inPersonClient, Candidate() with { LicensedStates = ["UT"], OfficeStates = ["CO"] }).ShouldBe(ExclusionReason.NotLicensedInState);
        First(inPersonClient, Candidate() with { LicensedStates = ["CO"], OfficeStates = ["CO"] }).ShouldBeNull();
    }

    [Fact]
    public void a_client_accepting_either_format_is_served_by_telehealth_when_the_office_is_elsewhere()
    {
        var clinician = Candidate() with { LicensedStates = ["CO"], OfficeStates = ["UT"] };
        First(Client() with { Format = FormatPreference.Either }, clinician).ShouldBeNull();
        First(Client() with { Format = FormatPreference.Either }, clinician with { Formats = [SessionFormat.InPerson] })
            .ShouldBe(ExclusionReason.NotLicensedInState);
    }

    [Fact]
    public void couples_client_is_not_matched_with_an_individual_only_clinician()
    {
        First(Client() with { SessionType = SessionType.Couples }, Candidate()).ShouldBe(ExclusionReason.SessionTypeMismatch);
        First(Client() with { SessionType = SessionType.Couples }, Candidate() with { SessionTypes = [SessionType.Individual, SessionType.Couples] })
            .ShouldBeNull();
    }

    [Theory]
    [InlineData(12, AgeGroup.Child)]
    [InlineData(13, AgeGroup.Adolescent)]
    [InlineData(17, AgeGroup.Adolescent)]
    [InlineData(18, AgeGroup.Adult)]
    [InlineData(64, AgeGroup.Adult)]
    [InlineData(65, AgeGroup.OlderAdult)]
    public void age_group_at_the_boundaries_decides_who_can_see_the_client(int age, AgeGroup expected)
    {
        var intakeDate = new DateOnly(2026, 3, 2);
        // Born on the intake date's day `age` years earlier: the birthday makes them exactly that age.
        var group = AgeGroups.ForAge(AgeGroups.AgeOn(intakeDate.AddYears(-age), intakeDate));
        group.ShouldBe(expected);
        // One day short of the birthday they are still a year younger.
        AgeGroups.AgeOn(intakeDate.AddYears(-age).AddDays(1), intakeDate).ShouldBe(age - 1);

        var client = Client() with { AgeGroup = group };
        First(client, Candidate() with { AgeGroups = [expected] }).ShouldBeNull();
        First(client, Candidate() with { AgeGroups = Enum.GetValues<AgeGroup>().Where(g => g != expected).ToArray() })
            .ShouldBe(ExclusionReason.AgeGroupMismatch);
    }

    [Fact]
    public void insurance_matches_the_payer_ignoring_case_and_spaces()
    {
        First(Client() with { Payer = "  aetna " }, Candidate() with { Payers = ["Cigna", "AETNA"] }).ShouldBeNull();
        First(Client() with { Payer = "Kaiser" }, Candidate()).ShouldBe(ExclusionReason.PayerMismatch);
    }

    [Fact]
    public void self_pay_is_met_by_the_rate_or_the_sliding_scale_and_the_reason_says_which()
    {
        var selfPay = Client() with { PaymentMethod = PaymentMethod.SelfPay, Payer = null, MaxSessionRate = 150m };
        var byRate = Candidate() with { Payers = [], SelfPayRate = 150m };
        var bySlidingScale = Candidate() with { Payers = [], SelfPayRate = 200m, SlidingScaleMin = 100m };
        var tooDear = Candidate() with { Payers = [], SelfPayRate = 200m, SlidingScaleMin = 160m };

        First(selfPay, byRate).ShouldBeNull();
        First(selfPay, bySlidingScale).ShouldBeNull();
        First(selfPay, tooDear).ShouldBe(ExclusionReason.PayerMismatch);
        Rank(selfPay, byRate).Candidates[0].Detail("payment").ShouldBe("self-pay rate within the client's maximum");
        Rank(selfPay, bySlidingScale).Candidates[0].Detail("payment").ShouldBe("sliding scale within the client's maximum");
        Rank(Client(), Candidate()).Candidates[0].Detail("payment").ShouldBe("in network with Aetna");
    }

    [Fact]
    public void clinician_with_no_rates_and_no_payers_fails_insurance_and_self_pay()
    {
        var unpaid = Candidate() with { Payers = [], SelfPayRate = null, SlidingScaleMin = null };
        First(Client(), unpaid).ShouldBe(ExclusionReason.PayerMismatch);
        First(Client() with { PaymentMethod = PaymentMethod.SelfPay, MaxSessionRate = 10_000m }, unpaid).ShouldBe(ExclusionReason.PayerMismatch);
    }

    [Fact]
    public void languages_are_shared_ignoring_case()
    {
        First(Client() with { Languages = ["spanish", "ENGLISH"] }, Candidate()).ShouldBeNull();
        First(Client() with { Languages = ["Spanish"] }, Candidate()).ShouldBe(ExclusionReason.LanguageMismatch);
    }

    [Fact]
    public void ketamine_assisted_therapy_asked_for_needs_a_clinician_who_offers_it()
    {
        var asks = Client() with { WantsKetamineAssistedTherapy = true };
        First(asks, Candidate()).ShouldBe(ExclusionReason.KetamineNotOffered);
        First(asks, Candidate() with { OffersKetamineAssistedTherapy = true }).ShouldBeNull();
        First(Client(), Candidate() with { OffersKetamineAssistedTherapy = true }).ShouldBeNull();
    }

    [Fact]
    public void declined_clinician_is_not_suggested_again()
    {
        var declined = Given.Submitted().Triaged().Proposed(Given.ClinicianA).Declined().Referral;
        var client = ClientNeeds.From(declined);
        First(client, Candidate(id: Given.ClinicianA)).ShouldBe(ExclusionReason.PreviouslyDeclined);
        First(client, Candidate(id: Given.ClinicianB)).ShouldBeNull();
    }

    [Fact]
    public void a_clinician_failing_several_filters_is_counted_once_under_the_first()
    {
        var clinician = Candidate() with { Paused = true, Languages = ["French"], AgeGroups = [AgeGroup.Child] };
        MatchingEngine.FailedFilters(Client(), clinician)
            .ShouldBe([ExclusionReason.NotAccepting, ExclusionReason.AgeGroupMismatch, ExclusionReason.LanguageMismatch]);

        var result = Rank(Client(), clinician, Candidate("Other", Guid.NewGuid()));
        result.ExclusionCounts[ExclusionReason.NotAccepting].ShouldBe(1);
        result.ExclusionCounts[ExclusionReason.LanguageMismatch].ShouldBe(0);
        (result.EligibleCount + result.ExclusionCounts.Values.Sum()).ShouldBe(result.ConsideredCount);
    }

    [Fact]
    public void exclusion_counts_hold_every_key_in_contract_order()
    {
        var result = Rank(Client(), Candidate());
        result.ExclusionCounts.Keys.Select(k => k.Key()).ShouldBe(
        [
            "notAccepting", "noCapacity", "formatMismatch", "notLicensedInState", "sessionTypeMismatch",
            "ageGroupMismatch", "payerMismatch", "languageMismatch", "ketamineNotOffered", "previouslyDeclined"
        ]);
        result.ExclusionCounts.Values.ShouldAllBe(v => v == 0);
    }

    [Fact]
    public void needs_and_candidate_are_read_from_the_referral_and_the_clinician()
    {
        var referral = Given.Submitted().Referral;
        var client = ClientNeeds.From(referral);
        client.State.ShouldBe("CO");
        client.AgeGroup.ShouldBe(referral.AgeGroup);
        client.Concerns.ShouldBe([Concern.Trauma, Concern.Grief]);
        client.PreferredGender.ShouldBe(Gender.Female);
        client.WantsLgbtqAffirming.ShouldBeTrue();
        client.TimeZone.Id.ShouldBe("America/Denver");

        var onboarded = Samples.Clinician();
        var clinician = ClinicianState.Create(new ClinicianOnboarded(onboarded.ToProfile(), 20, 3, true,
                (onboarded.Availability ?? []).Select(w => w.AsWeekly()).ToList()))
            with { Id = Given.ClinicianA };
        var candidate = ClinicianCandidate.From(clinician, new ClinicianWorkload(Given.ClinicianA, 1, 4, 2));
        candidate.Id.ShouldBe(Given.ClinicianA);
        candidate.RemainingCapacity.ShouldBe(15);
        candidate.NewClientsLast7Days.ShouldBe(2);
        candidate.Name.ShouldBe(onboarded.Name);
    }
}
