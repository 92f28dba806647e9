using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Referrals.SubmittingIntake;
using Matching.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Matching.Tests.Referrals.SubmittingIntake;

/// <summary>The intake's refusals are read by the person filling in the form: plain sentences under the API's keys.</summary>
public class IntakeMessagesTests
{
    private static readonly IntakeValidator Validator =
        new(new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero)), new MatchingOptions());

    private static Dictionary<string, string[]> ErrorsOf(Intake intake) => Problems.ToErrors(Validator.Validate(intake));

    [Fact]
    public void an_empty_form_is_refused_in_plain_sentences_under_the_same_keys()
    {
        var errors = ErrorsOf(new Intake(
            new ClientDetails(null, null, null, null, null, null, null, null), null, [], null, null,
            new Payment(PaymentMethod.Insurance, null, null, null), [], null, null, new SafetyAnswers(null), false, null,
            new Consent(false, false)));

        errors.Keys.ShouldBe([
            "client.firstName", "client.lastName", "client.email", "client.dateOfBirth", "client.state", "sessionType", "concerns",
            "format", "payment.payer", "payment.memberId", "languages", "safety.thoughtsOfSelfHarm", "consent.contact",
            "consent.privacyNoticeAccepted"
        ], ignoreOrder: true);
        foreach (var (key, messages) in errors)
        {
            foreach (var message in messages)
            {
                // FluentValidation's own messages start with the property's path in quotes ("'client.first Name' must not be empty.").
                message.ShouldNotStartWith("'", customMessage: key);
                message.ShouldNotContain("must", customMessage: key);
                message.ShouldStartWith("Please", customMessage: key);
            }
        }
        errors["client.firstName"].ShouldBe(["Please enter your first name."]);
    }

    [Fact]
    public void missing_parts_and_out_of_range_answers_are_refused_in_plain_sentences()
    {
        var errors = ErrorsOf(Samples.Intake() with
        {
            Client = null, Payment = new Payment(PaymentMethod.SelfPay, null, null, 0), Safety = null, Consent = null,
            Languages = ["English", ""], Notes = new string('x', 4001)
        });

        errors.Keys.ShouldBe(["client", "payment.maxSessionRate", "languages[1]", "safety", "notes", "consent"], ignoreOrder: true);
        errors.Values.SelectMany(m => m).ShouldAllBe(m => m.StartsWith("Please") && !m.Contains("must"));
    }
}
