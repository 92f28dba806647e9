using System.Net;
using System.Text.Json.Nodes;
using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Matching;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Suggesting;
using Matching.Service.Shared;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.Suggesting;

/// <summary>Matching over HTTP against a directory of 200 varied clinicians, onboarded straight into their streams.</summary>
public class SuggestMatchesHttpTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private const int DirectorySize = 200;
    private static readonly string[] States = ["CO", "CO", "CO", "WY", "NM"];
    private static readonly string[] Payers = ["Aetna", "Cigna", "Kaiser", "UnitedHealthcare"];
    private static readonly string[] Languages = ["English", "English", "English", "Spanish"];

    public async Task InitializeAsync()
    {
        await using var query = app.Store.QuerySession();
        if (await query.Query<Clinician>().AnyAsync()) return;

        // Seeded, so the directory is the same every run: states, formats, payers, languages, age groups,
        // session types, capacity, ketamine and availability all vary; a few have left the practice.
        var random = new Random(20260302);
        await using var session = app.Store.LightweightSession();
        for (var i = 0; i < DirectorySize; i++)
        {
            var id = Guid.CreateVersion7();
            var state = States[random.Next(States.Length)];
            SessionFormat[] formats = random.Next(3) switch
            {
                0 => [SessionFormat.Telehealth],
                1 => [SessionFormat.InPerson],
                _ => [SessionFormat.InPerson, SessionFormat.Telehealth]
            };
            var concerns = Enum.GetValues<Concern>().Where(_ => random.Next(3) == 0).DefaultIfEmpty(Concern.Anxiety).ToArray();
            var profile = new ClinicianProfile(
                $"Clinician {i:000}", "LPC", $"c{i:000}@practice.example", random.Next(2) == 0 ? "America/Denver" : "America/New_York",
                random.Next(4) == 0 ? [state, "CO"] : [state], [state], formats,
                random.Next(5) == 0 ? [SessionType.Couples] : [SessionType.Individual, SessionType.Couples],
                random.Next(6) == 0 ? [AgeGroup.Child, AgeGroup.Adolescent] : [AgeGroup.Adult, AgeGroup.OlderAdult],
                concerns, new[] { Modality.Emdr, Modality.Cbt }[..(random.Next(2) + 1)],
                [Languages[random.Next(Languages.Length)]],
                random.Next(5) == 0 ? [] : [Payers[random.Next(Payers.Length)]],
                random.Next(2) == 0 ? 120 + random.Next(100) : null, null,
                random.Next(2) == 0 ? Gender.Female : Gender.Male, random.Next(2) == 0, random.Next(3) == 0, random.Next(10) == 0);
            session.Events.StartStream<Clinician>(id, new ClinicianOnboarded(profile,
                random.Next(8) == 0 ? 0 : 10 + random.Next(20), 3, random.Next(10) != 0,
                [new WeeklyWindow((WeekDay)random.Next(7), $"{9 + random.Next(8):00}:00", "20:00")]));
            if (random.Next(20) == 0) session.Events.Append(id, new ClinicianOffboarded("Left the practice"));
        }

        await session.SaveChangesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(int All, int NotOffboarded)> DirectoryCounts()
    {
        await using var query = app.Store.QuerySession();
        return (await query.Query<Clinician>().CountAsync(), await query.Query<Clinician>().CountAsync(c => !c.Offboarded));
    }

    [Fact]
    public async Task suggestions_rank_the_directory_explain_each_candidate_and_are_recorded_with_the_coordinator()
    {
        var referral = await app.Host.SubmittedReferral().Triaged();

        var (status, body) = await referral.Command("match-suggestions", new { limit = 25 });

        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        body!["referralId"]!.GetValue<Guid>().ShouldBe(referral.Id);
        body["engineVersion"]!.GetValue<string>().ShouldBe(MatchingEngine.Version);
        body["weightsVersion"]!.GetValue<string>().ShouldBe("1");
        body["suggestedAt"]!.GetValue<DateTimeOffset>().ShouldBeInRange(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        body["version"]!.GetValue<long>().ShouldBe(referral.Version + 1);
        body["status"]!.GetValue<string>().ShouldBe("awaitingMatch");

        var considered = body["consideredCount"]!.GetValue<int>();
        var eligible = body["eligibleCount"]!.GetValue<int>();
        var (all, notOffboarded) = await DirectoryCounts();
        considered.ShouldBe(notOffboarded);
        considered.ShouldBeLessThan(all, "offboarded clinicians are not considered");
        var exclusions = body["exclusionCounts"]!.AsObject();
        exclusions.Select(p => p.Key).ShouldBe(ExclusionReasons.All.Select(r => r.Key()));
        (eligible + exclusions.Sum(p => p.Value!.GetValue<int>())).ShouldBe(considered);
        eligible.ShouldBeGreaterThan(0);
        exclusions.Count(p => p.Value!.GetValue<int>() > 0).ShouldBeGreaterThan(3, "a varied directory fails several filters");

        var candidates = body["candidates"]!.AsArray();
        candidates.Count.ShouldBe(Math.Min(25, eligible));
        candidates.Select(c => c!["rank"]!.GetValue<int>()).ShouldBe(Enumerable.Range(1, candidates.Count));
        var scores = candidates.Select(c => c!["score"]!.GetValue<double>()).ToList();
        scores.ShouldBe(scores.OrderByDescending(s => s).ToList());
        scores.ShouldAllBe(s => s >= 0 && s <= 100);
        foreach (var candidate in candidates)
        {
            candidate!["name"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
            var reasons = candidate["reasons"]!.AsArray();
            reasons.Select(r => r!["criterion"]!.GetValue<string>()).ShouldContain("specialty");
            reasons.ShouldAllBe(r => r!["detail"]!.GetValue<string>().Length > 0);
        }

        var recorded = (await referral.Events()).Last();
        var suggested = recorded.Data.ShouldBeOfType<MatchesSuggested>();
        recorded.Headers!["actor-sub"].ToString().ShouldBe("coord-1");
        recorded.Headers["actor-role"].ToString().ShouldBe("coordinator");
        suggested.Limit.ShouldBe(25);
        suggested.ConsideredCount.ShouldBe(considered);
        suggested.EligibleCount.ShouldBe(eligible);
        suggested.Candidates.Select(c => c.ClinicianId)
            .ShouldBe(candidates.Select(c => c!["clinicianId"]!.GetValue<Guid>()));
    }

    [Fact]
    public async Task the_same_referral_and_directory_give_the_same_ranking_and_the_detail_shows_the_latest_run()
    {
        var referral = await app.Host.SubmittedReferral().Triaged();
        var (_, first) = await referral.Command("match-suggestions", new { });
        var (_, second) = await referral.Command("match-suggestions", new { limit = 10 });

        second!["candidates"]!.ToJsonString().ShouldBe(first!["candidates"]!.ToJsonString());
        first["candidates"]!.AsArray().Count.ShouldBe(Math.Min(SuggestMatches.DefaultLimit, first["eligibleCount"]!.GetValue<int>()));

        var (status, details) = await app.Host.Get(referral.Url, Tokens.Coordinator);
        status.ShouldBe(HttpStatusCode.OK);
        var suggestions = details!["suggestions"]!;
        suggestions["version"]!.GetValue<long>().ShouldBe(second["version"]!.GetValue<long>());
        suggestions["result"]!["eligibleCount"]!.GetValue<int>().ShouldBe(second["eligibleCount"]!.GetValue<int>());
        suggestions["result"]!["exclusionCounts"]!.AsObject().Select(p => p.Key).ShouldBe(ExclusionReasons.All.Select(r => r.Key()));
        suggestions["result"]!["candidates"]!.ToJsonString().ShouldBe(second["candidates"]!.ToJsonString());
        details["version"]!.GetValue<long>().ShouldBe(second["version"]!.GetValue<long>());

        var (_, timeline) = await app.Host.Get($"{referral.Url}/timeline", Tokens.Coordinator);
        timeline!["items"]!.AsArray().Last()!["summary"]!.GetValue<string>()
            .ShouldStartWith($"Matches suggested: {second["eligibleCount"]!.GetValue<int>()} eligible of {second["consideredCount"]!.GetValue<int>()}; top score");
    }

    [Fact]
    public async Task a_proposal_can_follow_the_suggestion_with_its_version()
    {
        var referral = await app.Host.SubmittedReferral().Triaged();
        var (_, suggested) = await referral.Command("match-suggestions", new { limit = 1 });
        var top = suggested!["candidates"]![0]!["clinicianId"]!.GetValue<Guid>();

        var (status, body) = await referral.Command("proposals",
            new { clinicianId = top, expectedVersion = suggested["version"]!.GetValue<long>() });
        status.ShouldBe(HttpStatusCode.Created, body?.ToJsonString());
        (await referral.Events()).Last().Data.ShouldBeOfType<MatchProposed>().OverriddenFilters.ShouldBeNull();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(51)]
    public async Task limit_outside_1_to_50_is_refused_and_nothing_is_recorded(int limit)
    {
        var referral = await app.Host.SubmittedReferral().Triaged();
        var (status, body) = await referral.Command("match-suggestions", new { limit });
        status.ShouldBe(HttpStatusCode.BadRequest);
        body!["errors"]!["limit"].ShouldNotBeNull();
        (await referral.EventTypes()).ShouldNotContain(nameof(MatchesSuggested));
    }

    [Fact]
    public async Task limit_that_is_not_a_number_is_refused()
    {
        var referral = await app.Host.SubmittedReferral().Triaged();
        var (status, _) = await referral.Command("match-suggestions", """{ "limit": "ten" }""");
        status.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task unacknowledged_urgent_referral_is_not_matched()
    {
        var referral = await app.Host.SubmittedReferral(urgent: true);
        var (status, body) = await referral.Command("match-suggestions", new { });
        status.ShouldBe(HttpStatusCode.Conflict);
        body!["code"]!.GetValue<string>().ShouldBe("riskNotAcknowledged");
    }

    [Fact]
    public async Task referral_with_an_open_proposal_is_not_matched()
    {
        var referral = await app.Host.SubmittedReferral().Triaged().Proposed();
        var (status, body) = await referral.Command("match-suggestions", new { });
        status.ShouldBe(HttpStatusCode.Conflict);
        body!["code"]!.GetValue<string>().ShouldBe("invalidTransition");
    }

    [Fact]
    public async Task unknown_referral_is_not_found() =>
        (await app.Host.Post($"/api/referrals/{Guid.NewGuid()}/match-suggestions", new { }, Tokens.Coordinator)).Status
            .ShouldBe(HttpStatusCode.NotFound);

    [Fact]
    public async Task excluded_clinician_is_proposed_only_with_an_override_which_is_recorded()
    {
        var referral = await app.Host.SubmittedReferral().Triaged();
        var (_, suggested) = await referral.Command("match-suggestions", new { limit = 50 });
        var eligible = suggested!["candidates"]!.AsArray().Select(c => c!["clinicianId"]!.GetValue<Guid>()).ToHashSet();

        // A clinician open to new clients whom the filters leave out for this client.
        await using var query = app.Store.QuerySession();
        var excluded = (await query.Query<Clinician>().Where(c => c.AcceptingNewClients && !c.Offboarded && !c.Paused).ToListAsync())
            .First(c => !eligible.Contains(c.Id) && c.CaseloadLimit > 0 && !c.Profile.LicensedStates.Contains("CO"));

        var (refused, problem) = await referral.Command("proposals", new { clinicianId = excluded.Id });
        refused.ShouldBe(HttpStatusCode.Conflict, problem?.ToJsonString());
        problem!["code"]!.GetValue<string>().ShouldBe("excludedByFilters");
        var failed = problem["failedFilters"]!.AsArray().Select(f => f!.GetValue<string>()).ToList();
        failed.ShouldContain("notLicensedInState");
        failed.ShouldNotContain("notAccepting");
        (await referral.EventTypes()).ShouldNotContain(nameof(MatchProposed));

        var (status, body) = await referral.Command("proposals",
            new { clinicianId = excluded.Id, overrideReason = "Client is moving there and asked for this clinician." });
        status.ShouldBe(HttpStatusCode.Created, body?.ToJsonString());
        var proposed = (await referral.Events()).Last();
        var data = proposed.Data.ShouldBeOfType<MatchProposed>();
        data.OverrideReason.ShouldBe("Client is moving there and asked for this clinician.");
        data.OverriddenFilters.ShouldBe(failed);
        proposed.Headers!["actor-sub"].ToString().ShouldBe("coord-1");
    }

    [Fact]
    public async Task clinician_not_accepting_is_refused_even_with_an_override()
    {
        var referral = await app.Host.SubmittedReferral().Triaged();
        var closed = await app.Host.OnboardedClinician(acceptingNewClients: false);
        var (status, body) = await referral.Command("proposals", new { clinicianId = closed, overrideReason = "Known to the client." });
        status.ShouldBe(HttpStatusCode.Conflict);
        body!["code"]!.GetValue<string>().ShouldBe("notAccepting");
    }

    [Fact]
    public async Task clinician_who_declined_is_not_proposed_again_even_with_an_override_and_is_counted_as_declined()
    {
        var clinician = await app.Host.OnboardedClinician(name: "Declining Clinician");
        var referral = await app.Host.SubmittedReferral().Triaged().ProposedTo(clinician);
        var (declined, _) = await referral.Command($"proposals/{referral.ProposalId}/decline", new { reason = "notAFit" },
            Tokens.Clinician(clinician));
        declined.ShouldBe(HttpStatusCode.OK);

        var (status, body) = await referral.Command("proposals", new { clinicianId = clinician, overrideReason = "Client insists." });
        status.ShouldBe(HttpStatusCode.Conflict);
        body!["code"]!.GetValue<string>().ShouldBe("previouslyDeclined");

        var (_, suggested) = await referral.Command("match-suggestions", new { limit = 50 });
        suggested!["exclusionCounts"]!["previouslyDeclined"]!.GetValue<int>().ShouldBe(1);
        suggested["candidates"]!.AsArray().Select(c => c!["clinicianId"]!.GetValue<Guid>()).ShouldNotContain(clinician);
    }
}
