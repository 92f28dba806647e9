using System.Net;
using Matching.Service.Audit;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Queue;
using Matching.Tests.Audit;
using Matching.Tests.Support;
using Npgsql;

namespace Matching.Tests.Referrals.Erasing;

public class EraseClientDataTests(AppFixture app) : IClassFixture<AppFixture>
{
    private static readonly Intake Distinctive = Samples.UrgentIntake() with
    {
        Client = new ClientDetails("Zebulon", "Quixwright", "zq.erasure@example.org", "+1 303 555 0199",
            new DateOnly(1987, 11, 23), "CO", "80305", "he/him"),
        Payment = new Payment(PaymentMethod.Insurance, "Aetna", "MBR77Q1X", null),
        Notes = "Mentions a sister named Ottoline."
    };

    private static readonly string[] Secrets =
    [
        "Zebulon", "Quixwright", "zq.erasure@example.org", "555 0199", "1987-11-23", "MBR77Q1X", "Ottoline",
        "Thornbury safety plan", "Marigold accepted", "Peppercorn waitlist"
    ];

    private async Task<ScenarioReferral> ReferralWithPersonalData()
    {
        var (status, body) = await app.Host.Post("/api/intake", Distinctive);
        status.ShouldBe(HttpStatusCode.Created);
        var referral = new ScenarioReferral(app.Host, body!["referralId"]!.GetValue<Guid>(), 2, "awaitingTriage");
        referral = await Task.FromResult(referral)
            .Step("risk-acknowledgement", new { actionTaken = "contactedClient", note = "Thornbury safety plan agreed." })
            .Triaged()
            .Step("waitlist", new { reason = "Peppercorn waitlist until May." });
        var clinician = await app.Host.OnboardedClinician();
        referral = await Task.FromResult(referral).ProposedTo(clinician);
        var (accepted, answer) = await app.Host.Post($"{referral.Url}/proposals/{referral.ProposalId}/accept",
            new { note = "Marigold accepted gladly." }, Tokens.Clinician(clinician));
        accepted.ShouldBe(HttpStatusCode.OK, answer?.ToJsonString());

        // Reads that record accesses, and a clinician view holding contact details.
        (await app.Host.Get(referral.Url, Tokens.Coordinator)).Status.ShouldBe(HttpStatusCode.OK);
        (await app.Host.Get($"{referral.Url}/timeline", Tokens.Coordinator)).Status.ShouldBe(HttpStatusCode.OK);
        (await app.Host.Get("/api/me/proposals?status=all", Tokens.Clinician(clinician))).Status.ShouldBe(HttpStatusCode.OK);
        await app.Host.AuditCaughtUp();
        return referral;
    }

    [Fact]
    public async Task erasure_leaves_no_personal_data_in_any_table_and_keeps_the_audit_trail_verifiable()
    {
        var referral = await ReferralWithPersonalData();
        (await FindSecrets()).ShouldNotBeEmpty("the scan must see the data before erasure");
        var before = await referral.Events();

        var (status, body) = await app.Host.Post($"{referral.Url}/erasure", new { reason = "Request 2026-07 approved by counsel." }, Tokens.Compliance);
        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        body!["version"]!.GetValue<long>().ShouldBe(before.Count + 1);
        (await referral.EventTypes()).Last().ShouldBe(nameof(ClientDataErased));

        var entries = await app.Host.AuditOf(referral.Id);
        var found = await FindSecrets();
        found.ShouldBeEmpty(string.Join(Environment.NewLine, found));

        // The history is still there, with who and when.
        var events = entries.Where(e => e!["kind"]!.GetValue<string>() == "event").ToList();
        events.Select(e => e!["type"]!.GetValue<string>()).ShouldBe(before.Select(e => e.EventType.Name).Append(nameof(ClientDataErased)));
        events.ShouldAllBe(e => e!["actor"]!["sub"] != null && e["at"] != null);
        events.Last()!["actor"]!["sub"]!.GetValue<string>().ShouldBe("compliance-1");
        entries.Count(e => e!["kind"]!.GetValue<string>() == "access").ShouldBeGreaterThanOrEqualTo(3);
        await app.Host.ShouldVerify();

        // Still countable: status, dates, concerns and age group stay.
        var (_, details) = await app.Host.Get(referral.Url, Tokens.Coordinator);
        details!["status"]!.GetValue<string>().ShouldBe("accepted");
        details["personalDataErased"]!.GetValue<bool>().ShouldBeTrue();
        details["intake"]!["client"]!["firstName"]!.GetValue<string>().ShouldBe(PersonalData.Erased);
        details["intake"]!["concerns"]!.AsArray().Count.ShouldBe(2);
        details["ageGroup"]!.GetValue<string>().ShouldBe("adult");
        var (_, queue) = await app.Host.Get("/api/referrals?status=accepted", Tokens.Coordinator);
        queue!["items"]!.AsArray().Single(i => i!["referralId"]!.GetValue<Guid>() == referral.Id)!["clientName"]!
            .GetValue<string>().ShouldBe(CoordinatorQueueProjection.ErasedName);
    }

    [Fact]
    public async Task a_second_erasure_answers_200_and_appends_nothing()
    {
        var referral = await app.Host.SubmittedReferral();
        var first = await app.Host.Post($"{referral.Url}/erasure", new { reason = "Approved." }, Tokens.Admin);
        first.Status.ShouldBe(HttpStatusCode.OK);
        var count = (await referral.Events()).Count;

        var again = await app.Host.Post($"{referral.Url}/erasure", new { reason = "Approved again." }, Tokens.Compliance);
        again.Status.ShouldBe(HttpStatusCode.OK);
        again.Body!["version"]!.GetValue<long>().ShouldBe(count);
        (await referral.Events()).Count.ShouldBe(count);
        await app.Host.ShouldVerify();
    }

    [Fact]
    public async Task erasure_needs_a_reason_and_a_known_referral()
    {
        var referral = await app.Host.SubmittedReferral();
        (await app.Host.Post($"{referral.Url}/erasure", new { reason = " " }, Tokens.Compliance)).Status.ShouldBe(HttpStatusCode.BadRequest);
        (await app.Host.Post($"/api/referrals/{Guid.NewGuid()}/erasure", new { reason = "Approved." }, Tokens.Compliance))
            .Status.ShouldBe(HttpStatusCode.NotFound);
        (await referral.EventTypes()).ShouldNotContain(nameof(ClientDataErased));
    }

    /// <summary>Every text, varchar and JSON column of every table in the service's database, searched for each secret.</summary>
    private async Task<List<string>> FindSecrets()
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        var columns = new List<(string Schema, string Table, string Column, string Type)>();
        await using (var list = new NpgsqlCommand("""
            select c.table_schema, c.table_name, c.column_name, c.data_type from information_schema.columns c
            join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
            where t.table_type = 'BASE TABLE' and c.table_schema not in ('pg_catalog', 'information_schema')
              and c.data_type in ('text', 'character varying', 'json', 'jsonb', 'character', 'bytea')
            """, connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) columns.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }
        columns.Select(c => c.Schema).Distinct().Count().ShouldBeGreaterThanOrEqualTo(1);

        var found = new List<string>();
        foreach (var (schema, table, column, type) in columns)
        {
            foreach (var secret in Secrets)
            {
                // bytea (Wolverine's envelope bodies) is searched as UTF-8 text.
                await using var search = new NpgsqlCommand($"""
                    select count(*) from "{schema}"."{table}"
                    where {(type == "bytea" ? $"encode(\"{column}\", 'escape')" : $"\"{column}\"::text")} ilike @pattern
                    """, connection);
                search.Parameters.AddWithValue("pattern", $"%{secret}%");
                if (Convert.ToInt64(await search.ExecuteScalarAsync()) > 0) found.Add($"{schema}.{table}.{column}: {secret}");
            }
        }
        return found;
    }
}
