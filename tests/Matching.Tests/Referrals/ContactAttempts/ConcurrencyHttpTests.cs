using System.Net;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.ContactAttempts;

/// <summary>Optimistic concurrency on one referral stream: stale versions and racing commands.</summary>
public class ConcurrencyHttpTests(LifecycleFixture app) : IClassFixture<LifecycleFixture>
{
    [Fact]
    public async Task contact_attempt_is_recorded_without_changing_status()
    {
        var referral = await app.Host.SubmittedReferral().Triaged();
        var (status, body) = await referral.Command("contact-attempts", new { channel = "sms", outcome = "noAnswer", note = "Texted." });
        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        (body!["status"]!.GetValue<string>(), body["version"]!.GetValue<int>()).ShouldBe(("awaitingMatch", 4));
        var (bad, problem) = await referral.Command("contact-attempts", new { channel = "pigeon", outcome = "reached" });
        bad.ShouldBe(HttpStatusCode.BadRequest);
        problem!["errors"].ShouldNotBeNull();
    }

    [Fact]
    public async Task stale_expected_version_is_refused_and_appends_nothing()
    {
        var referral = await app.Host.SubmittedReferral().Triaged();

        var (status, problem) = await referral.Command("contact-attempts", new { channel = "phone", outcome = "reached", expectedVersion = 2 });

        status.ShouldBe(HttpStatusCode.Conflict, problem?.ToJsonString());
        problem!["code"]!.GetValue<string>().ShouldBe("staleVersion");
        (await referral.Events()).Count.ShouldBe(3);
    }

    [Fact]
    public async Task twenty_racing_contact_attempts_with_one_expected_version_give_one_success()
    {
        var referral = await app.Host.SubmittedReferral().Triaged();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            referral.Command("contact-attempts", new { channel = "phone", outcome = "leftMessage", expectedVersion = 3 })));

        results.Count(r => r.Status == HttpStatusCode.OK).ShouldBe(1);
        results.Count(r => r.Status == HttpStatusCode.Conflict).ShouldBe(19, string.Join(", ", results.Select(r => (int)r.Status)));
        await ShouldHaveNoGaps(referral, 4);
    }

    [Fact]
    public async Task twenty_racing_triages_give_one_success()
    {
        var referral = await app.Host.SubmittedReferral();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            referral.Command("triage", new { priority = "routine" })));

        results.Count(r => r.Status == HttpStatusCode.OK).ShouldBe(1);
        results.Count(r => r.Status == HttpStatusCode.Conflict).ShouldBe(19, string.Join(", ", results.Select(r => (int)r.Status)));
        await ShouldHaveNoGaps(referral, 3);
    }

    private static async Task ShouldHaveNoGaps(ScenarioReferral referral, int expectedCount)
    {
        var events = await referral.Events();
        events.Count.ShouldBe(expectedCount);
        events.Select(e => e.Version).ShouldBe(Enumerable.Range(1, expectedCount).Select(v => (long)v));
    }
}
