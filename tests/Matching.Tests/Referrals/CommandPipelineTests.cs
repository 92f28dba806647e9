using System.Net;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Referrals.ContactAttempts;
using Matching.Service.Referrals.Triaging;
using Matching.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace Matching.Tests.Referrals;

/// <summary>
/// A command sent on the bus (as a page, a client link or a FHIR adapter sends it) goes through the same handler as
/// the HTTP route: the same answer, the same refusals, nothing appended when refused.
/// </summary>
public class CommandPipelineTests(LifecycleFixture app) : IClassFixture<LifecycleFixture>
{
    // A bus of its own scope, as a page or a background sender has.
    private IMessageBus Bus => app.Host.Services.CreateScope().ServiceProvider.GetRequiredService<IMessageBus>();

    [Fact]
    public async Task a_command_on_the_bus_answers_the_result_with_the_status_the_referral_moved_to()
    {
        var referral = await app.Host.SubmittedReferral();

        var triage = new TriageReferral(TriagePriority.Routine, null, (int)referral.Version) { ReferralId = referral.Id };

        var answer = await Bus.AskAsync(triage, CancellationToken.None);

        answer.Problem.ShouldBeNull();
        answer.Result.ShouldBe(new ReferralCommandResult(referral.Id, referral.Version + 1, ReferralStatus.AwaitingMatch));
        (await referral.Events()).Count.ShouldBe((int)referral.Version + 1);
    }

    [Fact]
    public async Task invalid_input_is_refused_before_the_referral_is_looked_for_and_appends_nothing()
    {
        var answer = await Bus.AskAsync(new TriageReferral(null, null, null) { ReferralId = Guid.NewGuid() }, CancellationToken.None);

        answer.Problem!.Status.ShouldBe(400);
        answer.Result.ShouldBeNull();
    }

    [Fact]
    public async Task an_unknown_referral_is_a_404_answer()
    {
        var contact = new RecordContactAttempt(ContactChannel.Phone, ContactOutcome.Reached, null, null) { ReferralId = Guid.NewGuid() };

        var answer = await Bus.AskAsync(contact, CancellationToken.None);

        answer.Problem!.Status.ShouldBe(404);
    }

    [Fact]
    public async Task a_lifecycle_refusal_is_the_api_problem_and_appends_nothing()
    {
        var referral = await app.Host.SubmittedReferral().Triaged();

        var again = new TriageReferral(TriagePriority.Urgent, null, null) { ReferralId = referral.Id };

        var answer = await Bus.AskAsync(again, CancellationToken.None);

        answer.Problem!.Status.ShouldBe(409);
        answer.Problem.Extensions["code"].ShouldBe("invalidTransition");
        (await referral.Events()).Count.ShouldBe((int)referral.Version);
    }

    [Fact]
    public async Task over_http_the_input_is_checked_before_the_referral_is_looked_for()
    {
        var unknown = $"/api/referrals/{Guid.NewGuid()}/triage";

        (await app.Host.Post(unknown, new { note = "No priority." }, Tokens.Coordinator)).Status.ShouldBe(HttpStatusCode.BadRequest);
        (await app.Host.Post(unknown, new { priority = "routine" }, Tokens.Coordinator)).Status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task events_of_a_command_sent_over_http_carry_the_request_as_their_cause()
    {
        var referral = await app.Host.SubmittedReferral().Triaged();

        var events = await referral.Events();

        events.ShouldAllBe(e => !string.IsNullOrEmpty(e.CorrelationId) && !string.IsNullOrEmpty(e.CausationId));
        var triaged = events.Single(e => e.Data is ReferralTriaged);
        triaged.CausationId.ShouldNotBe(events[0].CausationId);
        // ASP.NET Core's request id, not the id of the message Wolverine invoked the handler with.
        Guid.TryParse(triaged.CausationId, out _).ShouldBeFalse();
    }
}
