using System.Net;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.Accepting;

/// <summary>Its own fixture: the test moves the service's clock past the response window.</summary>
public sealed class LateAnswerFixture : LifecycleFixture;

public class LateAnswerHttpTests(LateAnswerFixture app) : IClassFixture<LateAnswerFixture>
{
    [Fact]
    public async Task a_clinician_cannot_accept_after_the_response_window()
    {
        var clinician = await app.Host.OnboardedClinician();
        var referral = await app.Host.SubmittedReferral().Triaged().ProposedTo(clinician);

        app.Clock.Advance(TimeSpan.FromHours(72) + TimeSpan.FromMinutes(1));

        var (status, problem) = await referral.Command($"proposals/{referral.ProposalId}/accept", new { }, Tokens.Clinician(clinician));
        status.ShouldBe(HttpStatusCode.Conflict, problem?.ToJsonString());
        problem!["code"]!.GetValue<string>().ShouldBe("proposalExpired");
    }
}
