using Matching.Service.Referrals;
using Matching.Service.Referrals.ClientLink;
using Matching.Service.Referrals.SubmittingIntake;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.ClientLink;

/// <summary>What a client's correction and withdrawal decide, from given events, with no database.</summary>
public class ClientContactAndWithdrawalDecisionTests
{
    private static readonly CorrectContactValidator Validator = new();

    // Ann Lee's intake: ann@example.org, +1 303 555 0100, no consent to texts.
    private static Referral Submitted => Given.Submitted().Referral;

    [Fact]
    public void a_new_email_is_recorded_and_the_phone_left_out_stays()
    {
        var events = CorrectContactHandler.Decide(Submitted, new CorrectContact("ann.lee@example.net", null, null));

        events.ShouldBe([new ClientContactCorrected("ann.lee@example.net", null, null)]);
        var after = Given.Submitted().After(events);
        after.Intake.Client.Email.ShouldBe("ann.lee@example.net");
        after.Intake.Client.Phone.ShouldBe("+1 303 555 0100");
    }

    [Fact]
    public void sending_the_details_already_held_decides_nothing()
    {
        CorrectContactHandler.Decide(Submitted, new CorrectContact(" ann@example.org ", "+1 303 555 0100", false)).ShouldBeEmpty();
        CorrectContactHandler.Decide(Submitted, new CorrectContact(null, null, null)).ShouldBeEmpty();
    }

    [Fact]
    public void consent_to_texts_is_recorded_with_a_phone()
    {
        var events = CorrectContactHandler.Decide(Submitted, new CorrectContact(null, "720 555 0188", true));

        events.ShouldBe([new ClientContactCorrected(null, "720 555 0188", true)]);
        Given.Submitted().After(events).MayText.ShouldBeTrue();
    }

    [Fact]
    public void removing_the_phone_takes_the_consent_to_text_it_along()
    {
        var texting = Given.Submitted().Then(new ClientContactCorrected(null, null, true));

        var events = CorrectContactHandler.Decide(texting.Referral, new CorrectContact(null, "", null));

        events.ShouldBe([new ClientContactCorrected(null, "", false)]);
        var after = texting.After(events);
        after.MayText.ShouldBeFalse();
        after.Intake.Client.Email.ShouldBe("ann@example.org");
    }

    [Fact]
    public void the_client_keeps_one_way_to_be_reached_and_texts_need_a_phone()
    {
        CorrectContactHandler.Validate(new CorrectContact("", "", null), Submitted, Validator).ShouldBeInvalid("phone");
        CorrectContactHandler.Validate(new CorrectContact("", null, null), Given.Submitted().Then(new ClientContactCorrected(null, "", null)).Referral,
            Validator).ShouldBeInvalid("email");
        var problem = CorrectContactHandler.Validate(new CorrectContact(null, "", true), Submitted, Validator);
        problem.ShouldBeInvalid("textMessagesOk");
        CorrectContactHandler.Validate(new CorrectContact("", null, null), Submitted, Validator).ShouldBeAllowed();
    }

    [Theory]
    [InlineData("not-an-email", null, "email", "Please enter an email address like name@example.com.")]
    [InlineData(null, "call me maybe", "phone", "Please enter a phone number using digits, spaces and + ( ) - . only, such as 303 555 0100.")]
    public void the_intakes_rules_and_words_check_the_details(string? email, string? phone, string field, string message)
    {
        var problem = CorrectContactHandler.Validate(new CorrectContact(email, phone, null), Submitted, Validator);

        problem.ShouldBeInvalid(field);
        ((Microsoft.AspNetCore.Http.HttpValidationProblemDetails)problem).Errors[field].ShouldBe([message]);
        // The same words as the intake form's.
        var intake = Samples.Intake() with { Client = Samples.Intake().Client! with { Email = email ?? "ann@example.org", Phone = phone } };
        new IntakeValidator(Given.Clock, new Matching.Service.Infrastructure.MatchingOptions()).Validate(intake).Errors
            .ShouldContain(e => e.ErrorMessage == message);
    }

    [Fact]
    public void a_closed_referral_takes_no_correction()
    {
        var closed = Given.Submitted().Closed().Referral;
        CorrectContactHandler.Validate(new CorrectContact("a@example.org", null, null), closed, Validator).Status.ShouldBe(409);
    }

    [Fact]
    public void withdrawing_a_booked_request_cancels_the_session_as_the_clients_and_closes_as_withdrawn()
    {
        var booked = Given.Submitted().Triaged().Proposed().Accepted().Booked();

        var events = WithdrawRequestHandler.Decide(booked.Referral, new WithdrawRequest("  Found someone nearer.  "));

        events.ShouldBe([
            new FirstSessionCancelled(Given.SessionA, Given.ClinicianA, CancelledBy.Client, Matching.Service.Referrals.Closing.CloseReferralHandler.ClosedReason),
            new ReferralClosed(ClosureOutcome.Withdrawn, "Found someone nearer.", Given.ClinicianA)
        ]);
        var after = booked.After(events);
        after.Status.ShouldBe(ReferralStatus.Closed);
        after.ClientLinks.ShouldBeEmpty();
    }

    [Fact]
    public void withdrawing_while_a_clinician_is_asked_withdraws_the_proposal_first()
    {
        var proposed = Given.Submitted().Triaged().Proposed();

        var events = WithdrawRequestHandler.Decide(proposed.Referral, new WithdrawRequest(null));

        events[0].ShouldBeOfType<ProposalWithdrawn>().ClosesReferral.ShouldBeTrue();
        events[1].ShouldBe(new ReferralClosed(ClosureOutcome.Withdrawn, null, null));
        proposed.After(events).Status.ShouldBe(ReferralStatus.Closed);
    }
}
