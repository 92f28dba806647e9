using System.Net;
using Matching.Service.Referrals;
using Matching.Service.Referrals.SubmittingIntake;
using Matching.Service.Shared;
using Matching.Tests.Clinicians;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals.SubmittingIntake;

public class SubmitIntakeDecisionTests
{
    private static readonly DateOnly Today = new(2026, 11, 26);

    [Fact]
    public void a_routine_intake_is_submitted_with_the_age_group_at_the_intake_date()
    {
        var events = SubmitIntakeHandler.Decide(Samples.Intake(), Today);
        var submitted = events.ShouldHaveSingleItem().ShouldBeOfType<IntakeSubmitted>();
        submitted.AgeGroup.ShouldBe(AgeGroup.Adult);
        submitted.IntakeDate.ShouldBe(Today);
    }

    [Theory]
    [InlineData(SelfHarmAnswer.SeveralDays)]
    [InlineData(SelfHarmAnswer.MoreThanHalfTheDays)]
    [InlineData(SelfHarmAnswer.NearlyEveryDay)]
    public void any_answer_but_not_at_all_flags_the_risk(SelfHarmAnswer answer)
    {
        var events = SubmitIntakeHandler.Decide(Samples.Intake(answer), Today);
        events.Length.ShouldBe(2);
        events[1].ShouldBe(new RiskFlagged(answer));
    }

    [Theory]
    [InlineData("2013-11-27", AgeGroup.Child)]      // 12 the day before their 13th birthday
    [InlineData("2013-11-26", AgeGroup.Adolescent)] // 13 today
    [InlineData("2008-11-26", AgeGroup.Adult)]      // 18 today
    [InlineData("1961-11-27", AgeGroup.Adult)]      // 64
    [InlineData("1961-11-26", AgeGroup.OlderAdult)] // 65 today
    public void the_age_group_follows_the_birthday(string dateOfBirth, AgeGroup expected)
    {
        var intake = Samples.Intake() with { Client = Samples.Intake().Client! with { DateOfBirth = DateOnly.Parse(dateOfBirth) } };
        SubmitIntakeHandler.Decide(intake, Today)[0].ShouldBeOfType<IntakeSubmitted>().AgeGroup.ShouldBe(expected);
    }

    [Fact]
    public void the_same_idempotency_key_always_names_the_same_stream()
    {
        SubmitIntakeHandler.StreamIdFor("abc").ShouldBe(SubmitIntakeHandler.StreamIdFor("abc"));
        SubmitIntakeHandler.StreamIdFor("abc").ShouldNotBe(SubmitIntakeHandler.StreamIdFor("abd"));
    }
}

public class SubmitIntakeTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task an_urgent_intake_answers_with_crisis_resources()
    {
        var (status, body) = await app.Host.Post("/api/intake", Samples.UrgentIntake());
        status.ShouldBe(HttpStatusCode.Created);
        body!["urgent"]!.GetValue<bool>().ShouldBeTrue();
        body["version"]!.GetValue<int>().ShouldBe(3, "the intake, the risk flag and the client's first link");
        var resources = body["crisisResources"]!.AsArray().Select(r => r!["name"]!.GetValue<string>() + " " + r["contact"]!.GetValue<string>()).ToList();
        resources.ShouldContain(r => r.Contains("988"));
        resources.ShouldContain(r => r.Contains("911"));
    }

    [Fact]
    public async Task the_same_idempotency_key_sent_20_times_at_once_makes_one_referral()
    {
        var key = Guid.NewGuid().ToString();
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = key };
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => app.Host.Post("/api/intake", Samples.Intake(), headers: headers)));

        results.ShouldAllBe(r => r.Status == HttpStatusCode.Created || r.Status == HttpStatusCode.OK);
        results.Count(r => r.Status == HttpStatusCode.Created).ShouldBeLessThanOrEqualTo(1);
        var ids = results.Select(r => r.Body!["referralId"]!.GetValue<Guid>()).Distinct().ToList();
        ids.Count.ShouldBe(1);

        await using var session = app.Store.QuerySession();
        (await session.Events.FetchStreamAsync(ids[0])).Count.ShouldBe(2, "the intake and its one link");

        var (again, repeat) = await app.Host.Post("/api/intake", Samples.Intake(), headers: headers);
        again.ShouldBe(HttpStatusCode.OK);
        repeat!["referralId"]!.GetValue<Guid>().ShouldBe(ids[0]);
        repeat["version"]!.GetValue<int>().ShouldBe(2);
    }

    [Fact]
    public async Task the_same_idempotency_key_with_another_intake_is_a_422_that_discloses_nothing_and_appends_nothing()
    {
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() };
        var (first, created) = await app.Host.Post("/api/intake", Samples.Intake(), headers: headers);
        first.ShouldBe(HttpStatusCode.Created);
        var referralId = created!["referralId"]!.GetValue<Guid>();

        var other = Samples.Intake() with { Client = Samples.Intake().Client! with { FirstName = "Someone", LastName = "Else" } };
        var (reused, problem) = await app.Host.Post("/api/intake", other, headers: headers);

        reused.ShouldBe(HttpStatusCode.UnprocessableEntity, problem?.ToJsonString());
        problem!["code"]!.GetValue<string>().ShouldBe("idempotencyKeyReused");
        problem.ToJsonString().ShouldNotContain(referralId.ToString());
        problem.ToJsonString().ShouldNotContain("awaitingTriage");
        await using (var session = app.Store.QuerySession())
            (await session.Events.FetchStreamAsync(referralId)).Count.ShouldBe(2);

        // The same intake under the key still answers the first referral.
        var (again, repeat) = await app.Host.Post("/api/intake", Samples.Intake(), headers: headers);
        again.ShouldBe(HttpStatusCode.OK);
        repeat!["referralId"]!.GetValue<Guid>().ShouldBe(referralId);
    }

    [Fact]
    public async Task different_intakes_sent_at_once_under_one_key_make_one_referral_and_the_others_get_422()
    {
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() };
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            app.Host.Post("/api/intake", Samples.Intake() with { Notes = $"Note {i}" }, headers: headers)));

        results.Count(r => r.Status == HttpStatusCode.Created).ShouldBe(1);
        results.Count(r => r.Status == HttpStatusCode.UnprocessableEntity)
            .ShouldBe(5, string.Join(", ", results.Select(r => (int)r.Status)));
    }

    [Theory]
    [InlineData("overlong")]
    // The shape of a partner's key (organization and request identifier): a form can't claim it ahead of the partner.
    [InlineData("fhir:org-riverside-family-medicine:https://riverside.example/fhir/referral-ids|RFM-24-0118")]
    public async Task an_overlong_or_a_partners_idempotency_key_is_a_400_and_appends_nothing(string key)
    {
        var before = await app.EventCount();
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = key == "overlong" ? new string('k', 201) : key };
        var (status, problem) = await app.Host.Post("/api/intake", Samples.Intake(), headers: headers);
        status.ShouldBe(HttpStatusCode.BadRequest);
        problem.ErrorKeys().ShouldBe(["Idempotency-Key"]);
        (await app.EventCount()).ShouldBe(before);
    }

    [Theory]
    [InlineData("client.firstName", "{\"firstName\": \"\"}")]
    [InlineData("client.dateOfBirth", "{\"dateOfBirth\": \"2999-01-01\"}")]
    [InlineData("client.state", "{\"state\": \"XX\"}")]
    [InlineData("client.email", "{\"email\": null, \"phone\": null}")]
    public async Task invalid_client_details_are_named_in_errors(string field, string clientPatch)
    {
        var json = System.Text.Json.JsonSerializer.SerializeToNode(Samples.Intake(), Http.Json)!.AsObject();
        foreach (var (k, v) in System.Text.Json.Nodes.JsonNode.Parse(clientPatch)!.AsObject())
            json["client"]![k] = v?.DeepClone();
        var (status, problem) = await app.Host.Post("/api/intake", json.ToJsonString());
        status.ShouldBe(HttpStatusCode.BadRequest, problem?.ToJsonString());
        problem!["errors"]!.AsObject().ContainsKey(field).ShouldBeTrue(problem.ToJsonString());
    }

    [Fact]
    public async Task consent_is_required()
    {
        var (status, problem) = await app.Host.Post("/api/intake", Samples.Intake() with { Consent = new Consent(true, false) });
        status.ShouldBe(HttpStatusCode.BadRequest);
        problem!["errors"]!.AsObject().ContainsKey("consent.privacyNoticeAccepted").ShouldBeTrue(problem.ToJsonString());
    }
}
