using Matching.Service.Referrals.Booking;
using Matching.Service.Referrals.ContactAttempts;
using Matching.Service.Referrals.Closing;
using Matching.Service.Referrals.RiskAcknowledging;
using Matching.Service.Referrals.Triaging;
using Matching.Service.Referrals.Waitlisting;
using Matching.Service.Shared;
using Matching.Service.Web.Pages.Coordinator;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals;

/// <summary>
/// What the referral page offers comes from each command's own state check (<c>Allowed</c>), the one its handler runs:
/// asked of the state alone, it answers as the handler would.
/// </summary>
public class AllowedActionsTests
{
    [Fact]
    public void triage_waits_for_the_risk_acknowledgement_then_is_allowed_once()
    {
        var flagged = Given.Submitted(urgent: true);

        TriageReferralHandler.Allowed(flagged.Referral).ShouldBeConflict("riskNotAcknowledged");
        AcknowledgeRiskHandler.Allowed(flagged.Referral).ShouldBeAllowed();
        TriageReferralHandler.Allowed(flagged.RiskAcknowledged().Referral).ShouldBeAllowed();
        AcknowledgeRiskHandler.Allowed(flagged.RiskAcknowledged().Referral).ShouldBeConflict("alreadyAcknowledged");
        TriageReferralHandler.Allowed(flagged.RiskAcknowledged().Triaged().Referral).ShouldBeConflict("invalidTransition");
    }

    [Fact]
    public void the_outcome_is_allowed_from_the_session_start_on()
    {
        var booked = Given.Submitted().Triaged().Proposed().Accepted().Booked().Referral;

        RecordFirstSessionOutcomeHandler.Allowed(booked, Given.SessionStart.AddMinutes(-1)).ShouldBeConflict("sessionNotStarted");
        RecordFirstSessionOutcomeHandler.Allowed(booked, Given.SessionStart).ShouldBeAllowed();
        RescheduleFirstSessionHandler.Allowed(booked).ShouldBeAllowed();
        CancelFirstSessionHandler.Allowed(booked).ShouldBeAllowed();
        BookFirstSessionHandler.Allowed(booked).ShouldBeConflict("invalidTransition");
    }

    [Fact]
    public void a_closed_referral_allows_nothing()
    {
        var closed = Given.Submitted().Triaged().Closed().Referral;

        RecordContactAttemptHandler.Allowed(closed).ShouldBeConflict("referralClosed");
        CloseReferralHandler.Allowed(closed).ShouldBeConflict("referralClosed");
        WaitlistReferralHandler.Allowed(closed).ShouldBeConflict("invalidTransition");
    }

    [Theory]
    [InlineData(FormatPreference.Telehealth, new[] { SessionFormat.InPerson, SessionFormat.Telehealth }, SessionFormat.Telehealth)]
    [InlineData(FormatPreference.InPerson, new[] { SessionFormat.Telehealth }, SessionFormat.InPerson)]
    [InlineData(FormatPreference.Either, new[] { SessionFormat.InPerson }, SessionFormat.InPerson)]
    [InlineData(FormatPreference.Either, new[] { SessionFormat.InPerson, SessionFormat.Telehealth }, null)]
    public void the_booking_form_chooses_the_clients_format_or_the_clinicians_only_one(
        FormatPreference client, SessionFormat[] clinician, SessionFormat? expected) =>
        ReferralModel.LikelyFormat(client, clinician).ShouldBe(expected);
}
