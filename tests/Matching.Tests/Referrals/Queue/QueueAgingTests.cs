using System.Net;
using System.Text.Json.Nodes;
using Matching.Service.Referrals;
using Matching.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Matching.Tests.Referrals.GivenReferrals;

namespace Matching.Tests.Referrals.Queue;

/// <summary>The service on a clock the test moves by hand.</summary>
public sealed class ClockedAppFixture : AppFixture
{
    // Starts at the real time so the tokens minted for the test stay valid.
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
}

public class QueueAgingTests(ClockedAppFixture app) : IClassFixture<ClockedAppFixture>
{
    private async Task<JsonNode?> ItemFor(Guid id, string query = "")
    {
        var (status, body) = await app.Host.Get($"/api/referrals?pageSize=200{query}", Tokens.Coordinator);
        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        return body!["items"]!.AsArray().SingleOrDefault(i => i!["referralId"]!.GetValue<Guid>() == id);
    }

    [Fact]
    public async Task unacknowledged_risk_turns_overdue_when_the_clock_passes_the_window_without_a_new_event()
    {
        var flaggedAt = app.Clock.GetUtcNow();
        var id = await app.Referral(
            Submitted(Samples.UrgentIntake()).At(flaggedAt),
            new RiskFlagged(SelfHarmAnswer.SeveralDays).At(flaggedAt));

        var before = await ItemFor(id);
        before!["nextAction"]!.GetValue<string>().ShouldBe("acknowledgeRisk");
        before["dueAt"]!.GetValue<DateTimeOffset>().ShouldBe(flaggedAt.AddMinutes(15), TimeSpan.FromMilliseconds(1));
        before["overdue"]!.GetValue<bool>().ShouldBeFalse();
        (await ItemFor(id, "&overdue=true")).ShouldBeNull();
        (await ItemFor(id, "&overdue=false")).ShouldNotBeNull();

        app.Clock.Advance(TimeSpan.FromMinutes(16));

        var after = await ItemFor(id);
        after!["overdue"]!.GetValue<bool>().ShouldBeTrue();
        after["version"]!.GetValue<int>().ShouldBe(2);
        (await ItemFor(id, "&overdue=true")).ShouldNotBeNull();
        (await ItemFor(id, "&overdue=false")).ShouldBeNull();
    }

    [Fact]
    public async Task an_overdue_routine_referral_moves_ahead_of_older_ones_once_it_is_late()
    {
        var now = app.Clock.GetUtcNow();
        var clinician = await app.Clinician("Grace Kim");
        var older = await app.Referral(Submitted().At(now.AddMinutes(-2)));
        var younger = await app.Referral(Submitted().At(now.AddMinutes(-1)));
        await app.Append(younger,
            new ContactAttempted(ContactChannel.Phone, ContactOutcome.Reached, null).At(now),
            new ReferralTriaged(TriagePriority.Routine, null).At(now),
            new MatchProposed(Guid.NewGuid(), clinician, now.AddHours(1), null, null, null).At(now));

        async Task<List<Guid>> Order()
        {
            var (_, body) = await app.Host.Get("/api/referrals?pageSize=200", Tokens.Coordinator);
            return body!["items"]!.AsArray().Select(i => i!["referralId"]!.GetValue<Guid>())
                .Where(i => i == older || i == younger).ToList();
        }

        (await Order()).ShouldBe([older, younger]);

        // The proposal's response window lapses; the older referral's first-contact deadline has not.
        app.Clock.Advance(TimeSpan.FromMinutes(61));

        (await Order()).ShouldBe([younger, older]);
    }
}
