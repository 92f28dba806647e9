using System.Net;
using System.Text.Json.Nodes;
using Matching.Service.Shared;
using Matching.Tests.Clinicians;
using Matching.Tests.Support;

namespace Matching.Tests.Api;

/// <summary>Input that once slipped through (or broke the service) is refused with a 400 naming the field, and appends nothing.</summary>
public class StrictInputTests(AppFixture app) : IClassFixture<AppFixture>
{
    private static JsonObject IntakeJson() => System.Text.Json.JsonSerializer.SerializeToNode(Samples.Intake(), Http.Json)!.AsObject();

    [Theory]
    [InlineData("notes", "panic attacks \u0000 at night")]
    [InlineData("notes", "escape \u001b[31m")]
    [InlineData("client.firstName", "Ann\u0000")]
    [InlineData("client.firstName", "Ann\tLee")]
    [InlineData("client.email", "ann@example.org\n")]
    [InlineData("languages[0]", "Eng\u0007lish")]
    [InlineData("availability[0].from", "17:00\u0000")]
    public async Task a_control_character_in_a_text_field_is_a_400_naming_the_field(string field, string value)
    {
        var json = IntakeJson();
        Set(json, field, value);
        var before = await app.EventCount();

        var (status, problem) = await app.Host.Post("/api/intake", json.ToJsonString());

        status.ShouldBe(HttpStatusCode.BadRequest, problem?.ToJsonString());
        problem.ErrorKeys().ShouldBe([field]);
        problem!.ToJsonString().ShouldNotContain(value);
        (await app.EventCount()).ShouldBe(before);
    }

    [Fact]
    public async Task notes_and_reasons_keep_their_tabs_and_line_breaks()
    {
        var json = IntakeJson();
        json["notes"] = "Evenings:\tafter 6\r\nWeekends: no";
        var (status, body) = await app.Host.Post("/api/intake", json.ToJsonString());
        status.ShouldBe(HttpStatusCode.Created, body?.ToJsonString());

        var referral = await app.Host.SubmittedReferral();
        (await referral.Command("triage", new { priority = "routine", note = "Line one.\nLine two." })).Status.ShouldBe(HttpStatusCode.OK);
        (await referral.Command("waitlist", new { reason = "No openings.\r\n\tAsk again in May." })).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("Ann\u0001")]
    [InlineData("Ann\tLee")]
    [InlineData("Ann\u0000")] // ASP.NET Core's form reading refuses this one itself
    public async Task a_control_character_in_a_form_field_of_a_page_is_a_400(string firstName)
    {
        using var page = PageClient.For(app.Host);
        var response = await page.PostFormAsync("/", new Dictionary<string, string> { ["Form.FirstName"] = firstName, ["Form.LastName"] = "Lee" });
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        if (!firstName.Contains('\u0000')) (await response.Content.ReadAsStringAsync()).ShouldContain("Form.FirstName");
    }

    [Theory]
    [InlineData("/api/audit/export?to=9999-12-31", "to")]
    [InlineData("/api/audit/export?from=0001-01-01", "from")]
    [InlineData("/api/audit/actors/someone?to=9999-12-31T23:59:59Z", "to")]
    [InlineData("/api/audit/actors/someone?from=1899-12-31", "from")]
    [InlineData("/api/reports/funnel?to=9999-12-31", "to")]
    [InlineData("/api/reports/waitlist?from=0001-01-01", "from")]
    public async Task a_date_outside_the_supported_range_is_a_400(string url, string field)
    {
        var (status, problem) = await app.Host.Get(url, url.Contains("/audit/") ? Tokens.Compliance : Tokens.Analyst);
        status.ShouldBe(HttpStatusCode.BadRequest, problem?.ToJsonString());
        problem.ErrorKeys().ShouldBe([field]);
    }

    [Theory]
    [InlineData("/api/referrals?page=abc", "page")]
    [InlineData("/api/referrals?urgent=maybe", "urgent")]
    [InlineData("/api/referrals?clinicianId=someone", "clinicianId")]
    [InlineData("/api/clinicians?accepting=perhaps", "accepting")]
    public async Task a_query_value_that_does_not_parse_is_a_400_not_a_default(string url, string field)
    {
        var (status, problem) = await app.Host.Get(url, Tokens.Coordinator);
        status.ShouldBe(HttpStatusCode.BadRequest, problem?.ToJsonString());
        problem.ErrorKeys().ShouldBe([field]);
    }

    [Fact]
    public async Task capacity_without_accepting_new_clients_is_a_400_and_changes_nothing()
    {
        var id = await app.Host.Onboard();
        var (status, problem) = await app.Host.Put($"/api/clinicians/{id}/capacity", new { caseloadLimit = 5, weeklyNewClientLimit = 2 }, Tokens.Admin);
        status.ShouldBe(HttpStatusCode.BadRequest, problem?.ToJsonString());
        problem.ErrorKeys().ShouldBe(["acceptingNewClients"]);
        var clinician = await app.Host.Clinician(id);
        clinician["version"]!.GetValue<int>().ShouldBe(1);
        clinician["caseloadLimit"]!.GetValue<int>().ShouldBe(25);
    }

    [Theory]
    [InlineData("{\"day\":99,\"from\":\"09:00\",\"to\":\"10:00\"}", "availability[0].day")]
    [InlineData("{\"day\":\"monday\",\"from\":\"09:00\",\"to\":\"25:00\"}", "availability[0]")]
    [InlineData("{\"day\":\"monday\",\"from\":\"12:00\",\"to\":\"09:00\"}", "availability[0]")]
    [InlineData("{\"day\":\"someday\",\"from\":\"09:00\",\"to\":\"10:00\"}", "availability[0].day")]
    public async Task a_profile_with_an_impossible_availability_window_is_a_400(string window, string field)
    {
        var id = await app.Host.Onboard();
        var json = System.Text.Json.JsonSerializer.SerializeToNode(Clinicians.Profile.UpdateClinicianProfileTests.Update(), Http.Json)!.AsObject();
        json["availability"] = JsonNode.Parse($"[{window}]");

        var (status, problem) = await app.Host.Put($"/api/clinicians/{id}/profile", json.ToJsonString(), Tokens.Admin);

        status.ShouldBe(HttpStatusCode.BadRequest, problem?.ToJsonString());
        problem.ErrorKeys().ShouldBe([field]);
        (await app.Host.Clinician(id))["version"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public async Task a_profile_with_availability_replaces_it_and_one_without_keeps_it()
    {
        var id = await app.Host.Onboard();
        var update = Clinicians.Profile.UpdateClinicianProfileTests.Update() with
        {
            Availability = [new AvailabilityWindow(WeekDay.Tuesday, "08:00", "12:00")]
        };
        (await app.Host.Put($"/api/clinicians/{id}/profile", update, Tokens.Admin)).Status.ShouldBe(HttpStatusCode.OK);
        (await app.Host.Put($"/api/clinicians/{id}/profile", update with { Availability = null }, Tokens.Admin)).Status.ShouldBe(HttpStatusCode.OK);

        var clinician = await app.Host.Clinician(id);
        clinician["availability"]!.AsArray().Single()!["day"]!.GetValue<string>().ShouldBe("tuesday");
        clinician["version"]!.GetValue<int>().ShouldBe(4);
    }

    [Theory]
    [InlineData("languages", 21)]
    [InlineData("availability", 29)]
    [InlineData("concerns", 21)]
    [InlineData("preferredModalities", 16)]
    public async Task a_list_past_its_limit_is_a_400(string field, int count)
    {
        var json = IntakeJson();
        json[field] = new JsonArray(Enumerable.Range(0, count).Select(i => field switch
        {
            "languages" => (JsonNode)JsonValue.Create($"Language {i}"),
            "availability" => JsonNode.Parse("{\"day\":\"monday\",\"from\":\"09:00\",\"to\":\"10:00\"}")!,
            "concerns" => JsonValue.Create("trauma"),
            _ => JsonValue.Create("emdr")
        }).ToArray());

        var (status, problem) = await app.Host.Post("/api/intake", json.ToJsonString());

        status.ShouldBe(HttpStatusCode.BadRequest, problem?.ToJsonString());
        problem.ErrorKeys().ShouldBe([field]);
    }

    [Fact]
    public async Task a_clinician_with_too_many_languages_or_windows_is_a_400()
    {
        var body = Samples.Clinician() with
        {
            Languages = Enumerable.Range(0, 21).Select(i => $"Language {i}").ToList(),
            Availability = Enumerable.Range(0, 29).Select(_ => new AvailabilityWindow(WeekDay.Monday, "09:00", "10:00")).ToList()
        };
        var (status, problem) = await app.Host.Post("/api/clinicians", body, Tokens.Admin);
        status.ShouldBe(HttpStatusCode.BadRequest, problem?.ToJsonString());
        problem.ErrorKeys().ShouldBe(["availability", "languages"], ignoreOrder: true);
    }

    [Fact]
    public async Task a_key_given_twice_is_a_400_not_the_last_one_winning()
    {
        var json = IntakeJson();
        json.Remove("safety");
        var body = json.ToJsonString()[..^1]
                   + ",\"safety\":{\"thoughtsOfSelfHarm\":\"nearlyEveryDay\"},\"safety\":{\"thoughtsOfSelfHarm\":\"notAtAll\"}}";
        var before = await app.EventCount();

        var (status, problem) = await app.Host.Post("/api/intake", body);

        status.ShouldBe(HttpStatusCode.BadRequest, problem?.ToJsonString());
        problem.ErrorKeys().ShouldBe(["safety"]);
        (await app.EventCount()).ShouldBe(before);
    }

    [Fact]
    public async Task numbers_sent_as_strings_are_a_400()
    {
        var id = await app.Host.Onboard();
        var (status, problem) = await app.Host.Put($"/api/clinicians/{id}/capacity",
            "{\"caseloadLimit\":\"5\",\"weeklyNewClientLimit\":2,\"acceptingNewClients\":true}", Tokens.Admin);
        status.ShouldBe(HttpStatusCode.BadRequest, problem?.ToJsonString());
        problem.ErrorKeys().ShouldBe(["caseloadLimit"]);

        var json = IntakeJson();
        json["payment"] = JsonNode.Parse("{\"method\":\"selfPay\",\"maxSessionRate\":\"150\"}");
        (await app.Host.Post("/api/intake", json.ToJsonString())).Status.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task erasure_checks_the_expected_version_like_every_referral_command()
    {
        var referral = await app.Host.SubmittedReferral();

        var (stale, problem) = await app.Host.Post($"{referral.Url}/erasure", new { reason = "Client asked.", expectedVersion = 7 }, Tokens.Compliance);
        stale.ShouldBe(HttpStatusCode.Conflict, problem?.ToJsonString());
        problem!["code"]!.GetValue<string>().ShouldBe("staleVersion");
        (await referral.EventTypes()).ShouldNotContain("ClientDataErased");

        var (erased, body) = await app.Host.Post($"{referral.Url}/erasure", new { reason = "Client asked.", expectedVersion = referral.Version },
            Tokens.Compliance);
        erased.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        body!["version"]!.GetValue<long>().ShouldBe(referral.Version + 1);
    }

    private static void Set(JsonObject json, string path, string value)
    {
        JsonNode node = json;
        var parts = path.Replace("]", "").Split('.');
        for (var i = 0; i < parts.Length; i++)
        {
            var (name, index) = parts[i].Split('[') is [var n, var ix] ? (n, int.Parse(ix)) : (parts[i], -1);
            var last = i == parts.Length - 1;
            if (index < 0)
            {
                if (last) node[name] = value;
                else node = node[name]!;
            }
            else if (last) node[name]![index] = value;
            else node = node[name]![index]!;
        }
    }
}
