using Matching.Service.Clinicians;
using Matching.Service.Clinicians.Workload;
using Matching.Service.Shared;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Proposing;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.Proposing;

public class ProposeMatchTests
{
    private static readonly ProposeMatchValidator Validator = new();

    private static readonly TimeSpan Window = TimeSpan.FromHours(72);
    private static readonly ProposeMatch Command = new(Given.ClinicianA, "Trauma and grief focus.", null, null);
    private static readonly ProposalTarget Open = Target(Given.ClinicianA);

    /// <summary>A clinician who passes every filter for the sample intake (CO, individual adult, Aetna, English), with no load.</summary>
    private static ProposalTarget Target(Guid id) => new(
        new Clinician
        {
            Id = id, AcceptingNewClients = true, CaseloadLimit = 20, WeeklyNewClientLimit = 3,
            Profile = new ClinicianProfile("Grace Kim", "LPC", "grace@practice.example", "America/Denver", ["CO"], ["CO"],
                [SessionFormat.Telehealth, SessionFormat.InPerson], [SessionType.Individual], [AgeGroup.Adult],
                [Concern.Trauma, Concern.Grief], [Modality.Emdr], ["English"], ["Aetna"], 160m, null, Gender.Female, true, false, false)
        },
        ClinicianWorkload.None(id));

    private static ProposalTarget With(Func<Clinician, Clinician> change) => Open with { Clinician = change(Open.Clinician) };

    [Fact]
    public void proposal_from_awaiting_match_opens_with_the_response_window()
    {
        var given = Given.Submitted().Triaged();
        ProposeMatchHandler.Validate(Command, given.Referral, Open, Validator).ShouldBeAllowed();

        var now = Given.Start.AddHours(1);
        var events = ProposeMatchHandler.Decide(given.Referral, Command, Given.ProposalA, now, Window);

        events.ShouldBe([new MatchProposed(Given.ProposalA, Given.ClinicianA, now + Window, Command.Note, null, null)]);
        var after = given.After(events);
        after.Status.ShouldBe(ReferralStatus.Proposed);
        after.OpenProposal!.ClinicianId.ShouldBe(Given.ClinicianA);
        after.ClinicianId.ShouldBe(Given.ClinicianA);
    }

    [Fact]
    public void waitlisted_referral_can_be_proposed()
    {
        var given = Given.Submitted().Triaged().Waitlisted();
        ProposeMatchHandler.Validate(Command, given.Referral, Open, Validator).ShouldBeAllowed();
        var after = given.After(ProposeMatchHandler.Decide(given.Referral, Command, Given.ProposalA, Given.Start, Window));
        after.Status.ShouldBe(ReferralStatus.Proposed);
        after.WaitlistReason.ShouldBeNull();
    }

    [Fact]
    public void override_reason_is_recorded()
    {
        var command = Command with { OverrideReason = "Client asked for this clinician by name." };
        var events = ProposeMatchHandler.Decide(Given.Submitted().Triaged().Referral, command, Given.ProposalA, Given.Start, Window);
        events.ShouldHaveSingleItem().ShouldBeOfType<MatchProposed>().OverrideReason.ShouldBe(command.OverrideReason);
    }

    [Fact]
    public void untriaged_referral_is_not_proposed() =>
        ProposeMatchHandler.Validate(Command, Given.Submitted().Referral, Open, Validator).ShouldBeConflict("invalidTransition");

    [Fact]
    public void urgent_referral_is_not_proposed_before_risk_acknowledgement() =>
        ProposeMatchHandler.Validate(Command, Given.Submitted(urgent: true).Referral, Open, Validator)
            .ShouldBeConflict("riskNotAcknowledged");

    [Fact]
    public void one_open_proposal_at_a_time() =>
        ProposeMatchHandler.Validate(
                Command with { ClinicianId = Given.ClinicianB },
                Given.Submitted().Triaged().Proposed().Referral,
                Target(Given.ClinicianB),
                Validator)
            .ShouldBeConflict("proposalOpen");

    [Theory]
    [InlineData("declined")]
    [InlineData("expired")]
    [InlineData("withdrawn")]
    public void clinician_who_did_not_take_the_referral_is_not_proposed_again(string ending)
    {
        var proposed = Given.Submitted().Triaged().Proposed();
        var given = ending switch
        {
            "declined" => proposed.Declined(),
            "expired" => proposed.Expired(),
            _ => proposed.Withdrawn()
        };
        ProposeMatchHandler.Validate(Command, given.Referral, Open, Validator).ShouldBeConflict("previouslyDeclined");
        ProposeMatchHandler.Validate(Command with { OverrideReason = "Client insists." }, given.Referral, Open, Validator)
            .ShouldBeConflict("previouslyDeclined");
        ProposeMatchHandler.Validate(Command with { ClinicianId = Given.ClinicianB }, given.Referral, Target(Given.ClinicianB), Validator)
            .ShouldBeAllowed();
    }

    [Fact]
    public void unknown_clinician_is_not_found()
    {
        var problem = ProposeMatchHandler.Validate(Command, Given.Submitted().Triaged().Referral, null, Validator);
        problem.ShouldBeNotFound();
        problem.Detail!.ShouldContain(Given.ClinicianA.ToString());
    }

    [Fact]
    public void offboarded_clinician_is_refused() =>
        ProposeMatchHandler.Validate(
                Command,
                Given.Submitted().Triaged().Referral,
                With(c => c with { Offboarded = true, AcceptingNewClients = false }),
                Validator)
            .ShouldBeConflict("clinicianOffboarded");

    [Fact]
    public void paused_clinician_is_refused() =>
        ProposeMatchHandler.Validate(Command, Given.Submitted().Triaged().Referral, With(c => c with { Paused = true }), Validator)
            .ShouldBeConflict("clinicianPaused");

    [Fact]
    public void clinician_not_accepting_new_clients_is_refused_even_with_override() =>
        ProposeMatchHandler.Validate(
                Command with { OverrideReason = "Known to the client." },
                Given.Submitted().Triaged().Referral,
                With(c => c with { AcceptingNewClients = false }),
                Validator)
            .ShouldBeConflict("notAccepting");

    [Fact]
    public void clinician_is_required() =>
        ProposeMatchHandler.Validate(Command with { ClinicianId = null }, Given.Submitted().Triaged().Referral, null, Validator)
            .ShouldBeInvalid("clinicianId");

    [Fact]
    public void stale_expected_version_is_refused() =>
        ProposeMatchHandler.Validate(Command with { ExpectedVersion = 1 }, Given.Submitted().Triaged().Referral, Open, Validator)
            .ShouldBeConflict("staleVersion");

    [Fact]
    public void clinician_without_a_free_place_is_refused_naming_the_failed_filter()
    {
        var full = Open with { Workload = new ClinicianWorkload(Given.ClinicianA, 1, 19, 0) };
        var problem = ProposeMatchHandler.Validate(Command, Given.Submitted().Triaged().Referral, full, Validator);
        problem.ShouldBeConflict("excludedByFilters");
        problem.Extensions["failedFilters"].ShouldBe(new[] { "noCapacity" });
    }

    [Fact]
    public void every_failed_filter_is_named_in_contract_order()
    {
        var target = With(c => c with
        {
            WeeklyNewClientLimit = 0,
            Profile = c.Profile with { LicensedStates = ["WY"], OfficeStates = ["WY"], Payers = ["Cigna"], SelfPayRate = null, Languages = ["Spanish"] }
        });
        var problem = ProposeMatchHandler.Validate(Command, Given.Submitted().Triaged().Referral, target, Validator);
        problem.ShouldBeConflict("excludedByFilters");
        problem.Extensions["failedFilters"].ShouldBe(new[] { "noCapacity", "notLicensedInState", "payerMismatch", "languageMismatch" });
    }

    [Fact]
    public void override_reason_lifts_the_filters_and_records_which()
    {
        var given = Given.Submitted().Triaged();
        var target = With(c => c with { Profile = c.Profile with { LicensedStates = ["WY"], OfficeStates = ["WY"] } });
        var command = Command with { OverrideReason = "Moving to Wyoming next week; client asked for her." };
        ProposeMatchHandler.Validate(command, given.Referral, target, Validator).ShouldBeAllowed();

        var failed = ProposeMatchHandler.FailedFilters(given.Referral, target);
        failed.ShouldBe(["notLicensedInState"]);
        var proposed = ProposeMatchHandler.Decide(given.Referral, command, Given.ProposalA, Given.Start, Window, failed)
            .ShouldHaveSingleItem().ShouldBeOfType<MatchProposed>();
        proposed.OverrideReason.ShouldBe(command.OverrideReason);
        proposed.OverriddenFilters.ShouldBe(["notLicensedInState"]);
    }

    [Fact]
    public void blank_override_reason_does_not_lift_filters() =>
        ProposeMatchHandler.Validate(
                Command with { OverrideReason = "  " },
                Given.Submitted().Triaged().Referral,
                Open with { Workload = new ClinicianWorkload(Given.ClinicianA, 20, 0, 0) },
                Validator)
            .ShouldBeConflict("excludedByFilters");

    [Fact]
    public void eligible_clinician_records_no_overridden_filters()
    {
        var given = Given.Submitted().Triaged();
        ProposeMatchHandler.FailedFilters(given.Referral, Open).ShouldBeEmpty();
        var proposed = (MatchProposed)ProposeMatchHandler.Decide(given.Referral, Command with { OverrideReason = "Asked by name." }, Given.ProposalA, Given.Start, Window, ProposeMatchHandler.FailedFilters(given.Referral, Open))[0];
        proposed.OverriddenFilters.ShouldBeNull();
    }
}
