using System.Net;
using Marten;
using Matching.Service.Audit;
using Matching.Service.Referrals;
using Matching.Service.Referrals.ClientLink;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.ClientLink;

/// <summary>The client link's life over HTTP: issued, viewed, replaced, expired, revoked by closing and erasure, and wrong.</summary>
public class ClientLinkHttpTests(LifecycleFixture app) : IClassFixture<LifecycleFixture>
{
    [Fact]
    public async Task a_coordinator_issues_a_link_that_shows_the_client_where_the_request_stands()
    {
        var referral = await app.Host.SubmittedReferral();

        var (status, issued) = await app.Host.Post($"{referral.Url}/client-link", null, Tokens.Coordinator);

        status.ShouldBe(HttpStatusCode.OK, issued?.ToJsonString());
        var url = issued!["url"]!.GetValue<string>();
        url.ShouldStartWith("http://localhost:5080/r/");
        issued["expiresAt"]!.GetValue<DateTimeOffset>().ShouldBe(app.Host.Now().AddDays(30), TimeSpan.FromMinutes(1));
        var token = new Uri(url).Segments[^1];
        token.Length.ShouldBe(43);

        var (read, view) = await app.Host.Get($"/api/client/{token}");
        read.ShouldBe(HttpStatusCode.OK, view?.ToJsonString());
        view!["reference"]!.GetValue<string>().ShouldBe(ReferralReference.Of(referral.Id));
        view["status"]!.GetValue<string>().ShouldBe("awaitingTriage");
        view["statusText"]!.GetValue<string>().ShouldBe("We have your request.");
        view["nextStep"]!.GetValue<string>().ShouldContain("within one business day");
        view["crisisResources"]!.AsArray().Count.ShouldBe(2);
        view["clinician"].ShouldBeNull();
        view["firstSession"].ShouldBeNull();
    }

    [Fact]
    public async Task the_service_keeps_only_the_tokens_hash_and_the_event_names_the_link()
    {
        var referral = await app.Host.SubmittedReferral();
        var token = await referral.ClientLink();

        // The intake issued the first link (sent in its confirmation); the coordinator's is the last.
        var issued = (await referral.Events()).Select(e => e.Data).OfType<ClientLinkIssued>().Last();
        issued.TokenHash.ShouldBe(ClientLinks.Hash(token));
        issued.TokenHash.ShouldNotContain(token);
        issued.ReplacesEarlier.ShouldBeTrue();
        await using var session = app.Store.QuerySession();
        var keys = await session.Query<ClientLinkKey>().Where(k => k.ReferralId == referral.Id).ToListAsync();
        keys.Select(k => k.Id).ShouldContain(issued.TokenHash);
        keys.Count.ShouldBe(2);
    }

    [Fact]
    public async Task every_view_is_an_access_entry_by_the_client()
    {
        var referral = await app.Host.SubmittedReferral();
        var token = await referral.ClientLink();

        (await app.Host.Get($"/api/client/{token}")).Status.ShouldBe(HttpStatusCode.OK);
        (await app.Host.Client().GetAsync($"/r/{token}")).StatusCode.ShouldBe(HttpStatusCode.OK);

        await using var session = app.Store.QuerySession();
        var reads = await session.Events.QueryAllRawEvents()
            .Where(e => e.EventTypeName == "personal_data_accessed").ToListAsync();
        var mine = reads.Where(e => e.Data is PersonalDataAccessed { ReferralId: var id } && id == referral.Id).ToList();
        mine.Count.ShouldBe(2);
        mine.ShouldAllBe(e => ((PersonalDataAccessed)e.Data).Resource == AccessLog.ClientLink);
        mine.ShouldAllBe(e => e.Headers!["actor-sub"].ToString() == "client" && e.Headers["actor-role"].ToString() == "client");
    }

    [Fact]
    public async Task a_new_link_replaces_the_earlier_one()
    {
        var referral = await app.Host.SubmittedReferral();
        var first = await referral.ClientLink();
        var second = await referral.ClientLink();

        (await app.Host.Get($"/api/client/{first}")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await app.Host.Get($"/api/client/{second}")).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task wrong_expired_and_revoked_links_get_the_same_answer()
    {
        var wrong = await app.Host.Get($"/api/client/{ClientLinks.NewToken()}");
        var malformed = await app.Host.Get("/api/client/not-a-token");

        var closed = await app.Host.SubmittedReferral();
        var closedToken = await closed.ClientLink();
        (await closed.Command("close", new { outcome = "withdrawn" })).Status.ShouldBe(HttpStatusCode.OK);
        var revoked = await app.Host.Get($"/api/client/{closedToken}");

        var erased = await app.Host.SubmittedReferral();
        var erasedToken = await erased.ClientLink();
        (await app.Host.Post($"{erased.Url}/erasure", new { reason = "Client asked to be forgotten." }, Tokens.Compliance)).Status
            .ShouldBe(HttpStatusCode.OK);
        var afterErasure = await app.Host.Get($"/api/client/{erasedToken}");
        await using (var session = app.Store.QuerySession())
            (await session.Query<ClientLinkKey>().Where(k => k.ReferralId == erased.Id).CountAsync()).ShouldBe(0);

        foreach (var (status, body) in new[] { wrong, malformed, revoked, afterErasure })
        {
            status.ShouldBe(HttpStatusCode.NotFound);
            body!["code"]!.GetValue<string>().ShouldBe("linkNotFound");
            body["title"]!.GetValue<string>().ShouldBe(ClientLinks.NotFound.Title);
        }
    }

    [Fact]
    public async Task a_link_stops_working_when_it_expires()
    {
        var referral = await app.Host.SubmittedReferral();
        var token = await referral.ClientLink();
        (await app.Host.Get($"/api/client/{token}")).Status.ShouldBe(HttpStatusCode.OK);

        app.Clock.Advance(TimeSpan.FromDays(30).Add(TimeSpan.FromMinutes(1)));

        (await app.Host.Get($"/api/client/{token}")).Status.ShouldBe(HttpStatusCode.NotFound);
        var page = await app.Host.Client().GetAsync($"/r/{token}");
        page.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await page.Content.ReadAsStringAsync()).ShouldContain("This link doesn");
    }

    [Fact]
    public async Task a_link_reaches_nothing_but_its_own_routes()
    {
        var referral = await app.Host.SubmittedReferral();
        var token = await referral.ClientLink();

        // The token is no bearer credential, and a link's route acts as the client even for a signed-in coordinator.
        (await app.Host.Get(referral.Url, token)).Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await app.Host.Post($"/api/client/{token}/../../referrals/{referral.Id}/close", new { outcome = "withdrawn" })).Status
            .ShouldNotBe(HttpStatusCode.OK);
        (await app.Host.Get($"/api/client/{token}", Tokens.Coordinator)).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task a_closed_or_erased_referral_gets_no_new_link()
    {
        var referral = await app.Host.SubmittedReferral();
        (await referral.Command("close", new { outcome = "duplicate" })).Status.ShouldBe(HttpStatusCode.OK);

        var (status, problem) = await app.Host.Post($"{referral.Url}/client-link", null, Tokens.Coordinator);

        status.ShouldBe(HttpStatusCode.Conflict);
        problem!["code"]!.GetValue<string>().ShouldBe("referralClosed");
        (await app.Host.Post($"/api/referrals/{Guid.NewGuid()}/client-link", null, Tokens.Coordinator)).Status.ShouldBe(HttpStatusCode.NotFound);
        (await app.Host.Post($"{referral.Url}/client-link", null, Tokens.Analyst)).Status.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task the_status_says_a_booked_session_can_be_changed_here_only_until_the_cutoff()
    {
        var soon = await app.Host.SubmittedReferral().Triaged().Proposed().Accepted().Booked(app.Host.Now().AddHours(20));
        var later = await app.Host.SubmittedReferral().Triaged().Proposed().Accepted().Booked(app.Host.Now().AddDays(5));

        var (_, close) = await app.Host.Get($"/api/client/{await soon.ClientLink()}");
        var (_, far) = await app.Host.Get($"/api/client/{await later.ClientLink()}");

        close!["statusText"]!.GetValue<string>().ShouldBe("Your first session is booked.");
        close["nextStep"]!.GetValue<string>().ShouldContain("too close to change here");
        far!["nextStep"]!.GetValue<string>().ShouldContain("You can move or cancel it here until 1 day before it starts.");
        far["firstSession"]!["durationMinutes"]!.GetValue<int>().ShouldBe(50);
    }
}

public sealed class ClientLinkRateLimitFixture : AppFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Matching:ClientLinkRateLimitPerMinute"] = "5"
    };
}

public class ClientLinkRateLimitTests(ClientLinkRateLimitFixture app) : IClassFixture<ClientLinkRateLimitFixture>
{
    [Fact]
    public async Task guessing_links_from_one_address_is_stopped_after_the_limit()
    {
        var referral = await app.Host.SubmittedReferral();
        var token = await referral.ClientLink();

        var guesses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++) guesses.Add((await app.Host.Get($"/api/client/{ClientLinks.NewToken()}")).Status);
        var (status, problem) = await app.Host.Get($"/api/client/{token}");
        var page = await app.Host.Client().GetAsync($"/r/{token}");

        guesses.ShouldAllBe(s => s == HttpStatusCode.NotFound);
        status.ShouldBe(HttpStatusCode.TooManyRequests);
        problem!["title"]!.GetValue<string>().ShouldBe("Too many requests from this address; try again in a minute.");
        page.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }
}
