using Matching.Service.Referrals;
using Matching.Service.Referrals.ContactAttempts;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.ContactAttempts;

public class RecordContactAttemptTests
{
    private static readonly RecordContactAttemptValidator Validator = new();

    private static readonly RecordContactAttempt Command = new(ContactChannel.Phone, ContactOutcome.LeftMessage, null, null);

    public static TheoryData<string> OpenStatuses => new() { "awaitingTriage", "awaitingMatch", "proposed", "accepted", "booked", "waitlisted" };

    private static Given In(string status) => status switch
    {
        "awaitingTriage" => Given.Submitted(),
        "awaitingMatch" => Given.Submitted().Triaged(),
        "proposed" => Given.Submitted().Triaged().Proposed(),
        "accepted" => Given.Submitted().Triaged().Proposed().Accepted(),
        "booked" => Given.Submitted().Triaged().Proposed().Accepted().Booked(),
        "waitlisted" => Given.Submitted().Triaged().Waitlisted(),
        _ => throw new ArgumentOutOfRangeException(nameof(status))
    };

    [Theory, MemberData(nameof(OpenStatuses))]
    public void contact_attempt_is_recorded_in_any_open_status(string status)
    {
        var given = In(status);
        RecordContactAttemptHandler.Validate(Command, given.Referral, Validator).ShouldBeAllowed();

        var events = RecordContactAttemptHandler.Decide(given.Referral, Command);

        events.ShouldBe([new ContactAttempted(ContactChannel.Phone, ContactOutcome.LeftMessage, null)]);
        var after = given.After(events);
        after.Status.ShouldBe(given.Referral.Status);
        after.ContactAttempts.Count.ShouldBe(1);
    }

    [Fact]
    public void closed_referral_takes_no_contact_attempts() =>
        RecordContactAttemptHandler.Validate(Command, Given.Submitted().Closed().Referral, Validator).ShouldBeConflict("referralClosed");

    [Fact]
    public void channel_and_outcome_are_required()
    {
        var problem = RecordContactAttemptHandler.Validate(
                Command with { Channel = null, Outcome = null }, Given.Submitted().Referral, Validator);
        problem.ShouldBeInvalid("channel");
        problem.ShouldBeInvalid("outcome");
    }

    [Fact]
    public void stale_expected_version_is_refused() =>
        RecordContactAttemptHandler.Validate(Command with { ExpectedVersion = 0 }, Given.Submitted().Referral, Validator)
            .ShouldBeConflict("staleVersion");

    [Fact]
    public void current_expected_version_is_accepted() =>
        RecordContactAttemptHandler.Validate(Command with { ExpectedVersion = 2 }, Given.Submitted().Triaged().Referral, Validator)
            .ShouldBeAllowed();
}
