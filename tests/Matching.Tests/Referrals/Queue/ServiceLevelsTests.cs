using JasperFx.Events;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Queue;
using Matching.Service.Shared;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.Queue;

/// <summary>Service levels of product.md, folded from given events through the queue projection; no database.</summary>
public class ServiceLevelsTests
{
    private static readonly MatchingOptions Options = new();
    private static readonly TimeZoneInfo Denver = Options.TimeZone;

    // Wednesday 7 January 2026, 10:00 in Denver (UTC-7).
    private static readonly DateTimeOffset Wednesday = new(2026, 1, 7, 10, 0, 0, TimeSpan.FromHours(-7));

    private static ReferralQueueItem Fold(params IEvent[] events)
    {
        var projection = new CoordinatorQueueProjection(Options);
        var id = Guid.NewGuid();
        ReferralQueueItem? item = null;
        foreach (var e in events) item = projection.Evolve(item, id, e);
        return item!;
    }

    private static IEvent Intake(DateTimeOffset at, bool urgent = false) =>
        GivenReferrals.Submitted(urgent ? Samples.UrgentIntake() : Samples.Intake()).At(at);

    private static NextStep Next(params IEvent[] events) => ServiceLevels.Next(Fold(events), Options);

    [Fact]
    public void urgent_unacknowledged_referral_is_due_for_risk_acknowledgement_within_the_window()
    {
        var step = Next(Intake(Wednesday, urgent: true), new RiskFlagged(SelfHarmAnswer.SeveralDays).At(Wednesday));

        step.ShouldBe(new NextStep(NextAction.AcknowledgeRisk, Wednesday.AddMinutes(15)));
    }

    [Fact]
    public void acknowledged_urgent_referral_is_due_for_triage_by_the_urgent_contact_time_then_for_contact()
    {
        var acknowledged = new IEvent[]
        {
            Intake(Wednesday, urgent: true),
            new RiskFlagged(SelfHarmAnswer.SeveralDays).At(Wednesday),
            new RiskAcknowledged(RiskAction.ClinicianNotified, "noted").At(Wednesday.AddMinutes(5))
        };

        Next(acknowledged).ShouldBe(new NextStep(NextAction.Triage, Wednesday.AddHours(1)));
        Next([.. acknowledged, new ReferralTriaged(TriagePriority.Urgent, null).At(Wednesday.AddMinutes(10))])
            .ShouldBe(new NextStep(NextAction.ContactClient, Wednesday.AddHours(1)));
    }

    [Fact]
    public void triage_leads_while_awaiting_triage_even_after_the_client_was_reached()
    {
        var contacted = new ContactAttempted(ContactChannel.Phone, ContactOutcome.Reached, null).At(Wednesday.AddHours(1));

        Next(Intake(Wednesday), contacted).ShouldBe(new NextStep(NextAction.Triage, Wednesday.AddDays(1)));
    }

    [Fact]
    public void referral_triaged_as_urgent_is_due_for_contact_an_hour_after_triage()
    {
        var triagedAt = Wednesday.AddHours(2);
        var step = Next(Intake(Wednesday), new ReferralTriaged(TriagePriority.Urgent, null).At(triagedAt));

        step.ShouldBe(new NextStep(NextAction.ContactClient, triagedAt.AddHours(1)));
    }

    [Fact]
    public void routine_referral_is_due_for_triage_then_first_contact_one_business_day_after_intake()
    {
        Next(Intake(Wednesday)).ShouldBe(new NextStep(NextAction.Triage, Wednesday.AddDays(1)));
        Next(Intake(Wednesday), new ReferralTriaged(TriagePriority.Routine, null).At(Wednesday.AddHours(1)))
            .ShouldBe(new NextStep(NextAction.ContactClient, Wednesday.AddDays(1)));
    }

    [Fact]
    public void business_days_skip_the_weekend()
    {
        var friday = Wednesday.AddDays(2);
        ServiceLevels.AddBusinessDays(friday, 1, Denver).ShouldBe(friday.AddDays(3));
        ServiceLevels.AddBusinessDays(Wednesday, 10, Denver).ShouldBe(Wednesday.AddDays(14));
        ServiceLevels.AddBusinessDays(friday, 10, Denver).ShouldBe(friday.AddDays(14));
    }

    [Fact]
    public void weekend_intake_counts_from_monday_morning()
    {
        var saturday = Wednesday.AddDays(3);
        // Saturday 10:00 -> counting starts Monday 00:00 -> one business day later is Tuesday 00:00 (end of Monday).
        ServiceLevels.AddBusinessDays(saturday, 1, Denver).ShouldBe(new DateTimeOffset(2026, 1, 13, 0, 0, 0, TimeSpan.FromHours(-7)));
    }

    [Fact]
    public void business_days_are_reckoned_in_the_practice_time_zone()
    {
        // Friday 23:30 in Denver is already Saturday in UTC: still a Friday intake, due Monday 23:30 Denver time.
        var fridayNight = new DateTimeOffset(2026, 1, 9, 23, 30, 0, TimeSpan.FromHours(-7));
        ServiceLevels.AddBusinessDays(fridayNight.ToUniversalTime(), 1, Denver)
            .ShouldBe(new DateTimeOffset(2026, 1, 12, 23, 30, 0, TimeSpan.FromHours(-7)));

        // Across the start of daylight saving time (8 March 2026) the local time of day is kept.
        var beforeDst = new DateTimeOffset(2026, 3, 6, 10, 0, 0, TimeSpan.FromHours(-7));
        var due = ServiceLevels.AddBusinessDays(beforeDst, 1, Denver);
        due.ShouldBe(new DateTimeOffset(2026, 3, 9, 10, 0, 0, TimeSpan.FromHours(-6)));
        due.Offset.ShouldBe(TimeSpan.FromHours(-6));
    }

    [Fact]
    public void contacted_referral_awaiting_match_is_due_for_a_proposal_within_ten_business_days()
    {
        var step = Next(
            Intake(Wednesday),
            new ContactAttempted(ContactChannel.Phone, ContactOutcome.Reached, null).At(Wednesday.AddHours(1)),
            new ReferralTriaged(TriagePriority.Routine, null).At(Wednesday.AddHours(2)));

        step.ShouldBe(new NextStep(NextAction.ProposeClinician, Wednesday.AddDays(14)));
    }

    [Fact]
    public void proposed_referral_awaits_the_clinician_until_the_proposal_expires()
    {
        var expires = Wednesday.AddHours(75);
        var step = Next(
            Intake(Wednesday),
            new ContactAttempted(ContactChannel.Email, ContactOutcome.LeftMessage, null).At(Wednesday.AddHours(1)),
            new ReferralTriaged(TriagePriority.Routine, null).At(Wednesday.AddHours(2)),
            new MatchProposed(Guid.NewGuid(), Guid.NewGuid(), expires, null, null, null).At(Wednesday.AddHours(3)));

        step.ShouldBe(new NextStep(NextAction.AwaitClinicianResponse, expires));
    }

    [Fact]
    public void accepted_referral_is_due_for_booking_ten_business_days_after_intake()
    {
        var clinician = Guid.NewGuid();
        var proposal = Guid.NewGuid();
        var step = Next(
            Intake(Wednesday),
            new ReferralTriaged(TriagePriority.Routine, null).At(Wednesday.AddHours(2)),
            new MatchProposed(proposal, clinician, Wednesday.AddHours(75), null, null, null).At(Wednesday.AddHours(3)),
            new ProposalAccepted(proposal, clinician, null).At(Wednesday.AddHours(4)));

        step.ShouldBe(new NextStep(NextAction.BookFirstSession, Wednesday.AddDays(14)));
    }

    [Fact]
    public void booked_referral_is_due_for_an_outcome_when_the_session_ends()
    {
        var clinician = Guid.NewGuid();
        var proposal = Guid.NewGuid();
        var startsAt = Wednesday.AddDays(5);
        var item = Fold(
            Intake(Wednesday),
            new ReferralTriaged(TriagePriority.Routine, null).At(Wednesday.AddHours(2)),
            new MatchProposed(proposal, clinician, Wednesday.AddHours(75), null, null, null).At(Wednesday.AddHours(3)),
            new ProposalAccepted(proposal, clinician, null).At(Wednesday.AddHours(4)),
            new FirstSessionBooked(Guid.NewGuid(), clinician, startsAt, 50, SessionFormat.Telehealth).At(Wednesday.AddHours(5)));

        ServiceLevels.Next(item, Options).ShouldBe(new NextStep(NextAction.RecordOutcome, startsAt.AddMinutes(50)));
        item.ClinicianId.ShouldBe(clinician);
        item.FirstSessionStartsAt.ShouldBe(startsAt);
    }

    [Fact]
    public void waitlisted_referral_is_due_for_a_check_in_every_interval()
    {
        var waitlistedAt = Wednesday.AddHours(2);
        var intake = Intake(Wednesday);
        var contacted = new ContactAttempted(ContactChannel.Phone, ContactOutcome.Reached, null).At(Wednesday.AddHours(1));
        var waitlisted = new ReferralWaitlisted("no openings").At(waitlistedAt);

        Next(intake, contacted, waitlisted).ShouldBe(new NextStep(NextAction.WaitlistCheckIn, waitlistedAt.AddDays(14)));

        // A check-in call while waitlisted restarts the interval.
        var checkIn = Wednesday.AddDays(13);
        Next(intake, contacted, waitlisted, new ContactAttempted(ContactChannel.Phone, ContactOutcome.Reached, null).At(checkIn))
            .ShouldBe(new NextStep(NextAction.WaitlistCheckIn, checkIn.AddDays(14)));
    }

    [Fact]
    public void closed_referral_has_no_next_action()
    {
        var step = Next(Intake(Wednesday), new ReferralClosed(ClosureOutcome.Duplicate, null).At(Wednesday.AddHours(1)));

        step.ShouldBe(NextStep.None);
        step.IsOverdueAt(Wednesday.AddYears(1)).ShouldBeFalse();
    }

    [Fact]
    public void overdue_flips_once_the_clock_passes_the_due_time()
    {
        var item = Fold(Intake(Wednesday, urgent: true), new RiskFlagged(SelfHarmAnswer.NearlyEveryDay).At(Wednesday));
        var due = Wednesday.AddMinutes(15);

        ServiceLevels.Evaluate(item, Options, due.AddSeconds(-1)).Overdue.ShouldBeFalse();
        ServiceLevels.Evaluate(item, Options, due).Overdue.ShouldBeFalse();
        ServiceLevels.Evaluate(item, Options, due.AddSeconds(1)).Overdue.ShouldBeTrue();
    }

    [Fact]
    public void windows_follow_the_settings()
    {
        var options = new MatchingOptions { RiskAcknowledgementWindow = TimeSpan.FromMinutes(5), UrgentContactWindow = TimeSpan.FromMinutes(30) };
        var flagged = Fold(Intake(Wednesday, urgent: true), new RiskFlagged(SelfHarmAnswer.SeveralDays).At(Wednesday));
        ServiceLevels.Next(flagged, options).DueAt.ShouldBe(Wednesday.AddMinutes(5));

        var acknowledged = Fold(Intake(Wednesday, urgent: true), new RiskFlagged(SelfHarmAnswer.SeveralDays).At(Wednesday),
            new RiskAcknowledged(RiskAction.ContactedClient, "ok").At(Wednesday.AddMinutes(1)));
        ServiceLevels.Next(acknowledged, options).DueAt.ShouldBe(Wednesday.AddMinutes(30));
    }

    [Fact]
    public void projection_keeps_the_stored_due_time_equal_to_the_service_level()
    {
        var item = Fold(Intake(Wednesday, urgent: true), new RiskFlagged(SelfHarmAnswer.SeveralDays).At(Wednesday));

        item.NextAction.ShouldBe(NextAction.AcknowledgeRisk);
        item.DueAt.ShouldBe(Wednesday.AddMinutes(15));
        item.AwaitingRiskAcknowledgement.ShouldBeTrue();
        item.Concerns.ShouldBe([Concern.Trauma, Concern.Grief]);
    }
}
