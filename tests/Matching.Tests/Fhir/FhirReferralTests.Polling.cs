using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Marten;
using Matching.Service.Audit;
using Matching.Service.Fhir;
using Matching.Service.Referrals;
using Matching.Tests.Support;
using Npgsql;
using FhirTask = Hl7.Fhir.Model.Task;
using Task = System.Threading.Tasks.Task;

namespace Matching.Tests.Fhir;

/// <summary>A partner's system polling its Tasks for changes: GET /fhir/Task by _lastUpdated, a page at a time.</summary>
public partial class FhirReferralTests
{
    /// <summary>An organization of the test's own, so a search answers exactly the Tasks the test sent.</summary>
    private FhirClient NewOrganization() => Client(Tokens.Referrer($"org-{Guid.NewGuid():N}"));

    private static string Instant(DateTimeOffset? time) =>
        time!.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static List<string?> Ids(Bundle bundle) => bundle.Entry.Select(e => e.Resource?.Id).ToList();

    private async Task<Bundle> Search(FhirClient client, params string[] criteria) => (await client.SearchAsync<FhirTask>(criteria))!;

    [Fact]
    public async Task a_task_that_changes_is_found_after_its_previous_lastupdated_and_not_after_its_own()
    {
        var client = NewOrganization();
        var (sent, id) = await Send(BserExamples.Referral(NewIdentifier()), client);
        var before = sent.Meta!.LastUpdated;

        await Task.FromResult(new ScenarioReferral(app.Host, id, 3, "awaitingTriage")).Triaged();
        var after = (await client.ReadAsync<FhirTask>($"Task/{sent.Id}"))!.Meta!.LastUpdated;
        after.ShouldNotBeNull().ShouldBeGreaterThan(before!.Value);

        var changed = await Search(client, $"_lastUpdated=gt{Instant(before)}");
        changed.Type.ShouldBe(Bundle.BundleType.Searchset);
        changed.Total.ShouldBe(1);
        var task = (FhirTask)changed.Entry.Single().Resource!;
        task.Id.ShouldBe(sent.Id);
        task.Status.ShouldBe(FhirTask.TaskStatus.Accepted);
        task.Meta!.LastUpdated.ShouldBe(after);
        changed.Entry.Single().Search!.Mode.ShouldBe(Bundle.SearchEntryMode.Match);
        changed.SelfLink.ShouldNotBeNull();
        changed.NextLink.ShouldBeNull();

        var nothingNewer = await Search(client, $"_lastUpdated=gt{Instant(after)}");
        nothingNewer.Total.ShouldBe(0);
        nothingNewer.Entry.ShouldBeEmpty();

        // Each value stands for its precision, repeated values combine as AND, and based-on narrows the same search.
        Ids(await Search(client, $"_lastUpdated=ge{Instant(after)}")).ShouldBe([sent.Id]);
        Ids(await Search(client, $"_lastUpdated={after!.Value.UtcDateTime:yyyy-MM-dd}")).ShouldBe([sent.Id]);
        Ids(await Search(client, $"_lastUpdated=gt{Instant(before)}", $"_lastUpdated=lt{Instant(after)}")).ShouldBeEmpty();
        Ids(await Search(client, $"_lastUpdated=le{Instant(after)}", $"based-on=ServiceRequest/{sent.Id}")).ShouldBe([sent.Id]);
        Ids(await Search(client, $"_lastUpdated=gt{Instant(before)}", $"based-on=ServiceRequest/{Guid.NewGuid()}")).ShouldBeEmpty();
    }

    [Fact]
    public async Task the_lastupdated_sent_back_as_served_finds_only_later_changes()
    {
        var token = Tokens.Referrer($"org-{Guid.NewGuid():N}");
        var client = Client(token);
        var (sent, id) = await Send(BserExamples.Referral(NewIdentifier()), client);
        using var http = app.Host.Server.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        // As written by the SDK: trailing zeros of the fraction trimmed.
        var served = JsonNode.Parse(await http.GetStringAsync($"/fhir/Task/{id}"))!["meta"]!["lastUpdated"]!.GetValue<string>();

        Ids(await Search(client, $"_lastUpdated=gt{served}")).ShouldBeEmpty();
        Ids(await Search(client, $"_lastUpdated=ge{served}")).ShouldBe([sent.Id]);

        await Task.FromResult(new ScenarioReferral(app.Host, id, 3, "awaitingTriage")).Triaged();
        Ids(await Search(client, $"_lastUpdated=gt{served}")).ShouldBe([sent.Id]);
    }

    [Fact]
    public async Task based_on_takes_several_requests_and_absolute_references_and_refuses_other_resources()
    {
        var client = NewOrganization();
        var (first, _) = await Send(BserExamples.Referral(NewIdentifier()), client);
        var (second, _) = await Send(BserExamples.Referral(NewIdentifier()), client);

        Ids(await Search(client, $"based-on=ServiceRequest/{first.Id},ServiceRequest/{second.Id}"))
            .ShouldBe([first.Id, second.Id], ignoreOrder: true);
        Ids(await Search(client, $"based-on=http://localhost/fhir/ServiceRequest/{second.Id}")).ShouldBe([second.Id]);

        var refused = await Should.ThrowAsync<FhirOperationException>(() => client.GetAsync($"Task?based-on=Patient/{first.Id}"));
        refused.Status.ShouldBe(HttpStatusCode.BadRequest);
        refused.Outcome!.Issue.Single().Expression.ShouldBe(["based-on"]);
    }

    [Fact]
    public async Task another_organizations_tasks_never_appear_in_a_search()
    {
        var ours = NewOrganization();
        var theirs = NewOrganization();
        var (own, _) = await Send(BserExamples.Referral(NewIdentifier()), ours);
        var (other, _) = await Send(BserExamples.Referral(NewIdentifier()), theirs);

        var all = await Search(ours);
        Ids(all).ShouldBe([own.Id]);
        all.Total.ShouldBe(1);
        Ids(await Search(theirs, $"_lastUpdated=ge{Instant(own.Meta!.LastUpdated)}")).ShouldBe([other.Id]);
        Ids(await Search(ours, $"based-on=ServiceRequest/{other.Id}")).ShouldBeEmpty();
        (await Search(Clinic, "_count=200")).Entry.ShouldNotContain(e => e.Resource!.Id == own.Id || e.Resource!.Id == other.Id);
    }

    [Fact]
    public async Task paging_by_two_reads_three_tasks_exactly_once_through_the_next_link_and_a_change_meanwhile_skips_none()
    {
        var client = NewOrganization();
        var sent = new List<(FhirTask Task, Guid Id)>();
        for (var i = 0; i < 3; i++) sent.Add(await Send(BserExamples.Referral(NewIdentifier()), client));

        var first = await Search(client, "_count=2");
        first.Total.ShouldBe(3);
        first.Entry.Count.ShouldBe(2);
        var read = Ids(first);
        var page = first;
        while (await client.ContinueAsync(page) is { } next)
        {
            next.Total.ShouldBe(3);
            read.AddRange(Ids(next));
            page = next;
        }
        read.ShouldBe(sent.Select(s => s.Task.Id).ToList());

        await using (var session = app.Store.QuerySession())
        {
            // One access entry for each Task read, and none for a Task not read.
            var ids = sent.Select(s => (Guid?)s.Id).ToList();
            var accesses = await session.Events.QueryRawEventDataOnly<PersonalDataAccessed>().ToListAsync();
            accesses.Where(a => ids.Contains(a.ReferralId)).ShouldAllBe(a => a.Resource == FhirEndpoints.TaskRead);
            accesses.Select(a => a.ReferralId).Where(ids.Contains).ShouldBe(ids, ignoreOrder: true);
        }

        // The first Task changes after the first page was read: it is read again at the end, and the third is not skipped.
        var again = await Search(client, "_count=2");
        await Task.FromResult(new ScenarioReferral(app.Host, sent[0].Id, 3, "awaitingTriage")).Triaged();
        var rest = (await client.ContinueAsync(again))!;
        Ids(rest).ShouldBe([sent[2].Task.Id, sent[0].Task.Id]);
        ((FhirTask)rest.Entry[1].Resource!).Status.ShouldBe(FhirTask.TaskStatus.Accepted);
    }

    [Theory]
    [InlineData("_lastUpdated", "gt2026-13-01")]
    [InlineData("_lastUpdated", "yesterday")]
    [InlineData("_lastUpdated", "gt2026-12-01T10:00:00")]
    [InlineData("_lastUpdated", "ap2026-12-01")]
    [InlineData("_count", "many")]
    [InlineData("_cursor", "page-2")]
    [InlineData("status", "requested")]
    [InlineData("_format", "xml")]
    public async Task a_malformed_value_or_an_unknown_parameter_is_a_400_operation_outcome_naming_the_parameter(string parameter, string value)
    {
        var refused = await Should.ThrowAsync<FhirOperationException>(() => Clinic.GetAsync($"Task?{parameter}={value}"));

        refused.Status.ShouldBe(HttpStatusCode.BadRequest);
        var issue = refused.Outcome.ShouldNotBeNull().Issue.Single();
        issue.Severity.ShouldBe(OperationOutcome.IssueSeverity.Error);
        issue.Expression.ShouldBe([parameter]);
        issue.Diagnostics.ShouldNotBeNull().ShouldContain(parameter);
    }

    [Fact]
    public async Task a_json_format_asked_by_parameter_is_the_one_served()
    {
        foreach (var format in new[] { "json", "application/fhir+json" })
            (await Clinic.GetAsync($"Task?_format={Uri.EscapeDataString(format)}&_count=0")).ShouldBeOfType<Bundle>();
    }

    [Fact]
    public async Task the_capability_statement_names_the_polling_parameters()
    {
        var task = (await Client(null).CapabilityStatementAsync())!.Rest.Single().Resource.Single(r => r.Type == "Task");

        task.SearchParam.Single(p => p.Name == "_lastUpdated").Type.ShouldBe(SearchParamType.Date);
        task.SearchParam.Single(p => p.Name == "_count").Type.ShouldBe(SearchParamType.Number);
        task.Documentation.ShouldNotBeNull().ShouldContain("refused");
    }

    [Fact]
    public async Task the_poll_reads_the_organization_and_lastupdated_index_in_order()
    {
        var search = TaskSearch.Parse(new Microsoft.AspNetCore.Http.QueryCollection(new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>
        {
            ["_lastUpdated"] = "gt2026-12-01T10:00:00Z",
            ["_cursor"] = new TaskSearch.Cursor(DateTimeOffset.UnixEpoch, Guid.Empty).ToString()
        }), out _)!;
        await using var session = app.Store.QuerySession();
        var query = search.Page(session, BserExamples.Clinic).ToCommand();
        await using var connection = app.Store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        // A test table is small enough to read whole; with that out of the planner's reach, the index that serves the poll shows.
        await using (var off = new NpgsqlCommand("set local enable_seqscan = off", connection, transaction)) await off.ExecuteNonQueryAsync();
        await using var explain = new NpgsqlCommand("explain " + query.CommandText, connection, transaction);
        foreach (NpgsqlParameter parameter in query.Parameters) explain.Parameters.Add(parameter.Clone());

        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
            while (await reader.ReadAsync()) plan.Add(reader.GetString(0));

        var text = string.Join("\n", plan);
        text.ShouldContain("Index Scan using mt_doc_referral_idx_partner_organizationstatus_sinceid");
        text.ShouldNotContain("Sort");
    }

    [Fact]
    public async Task a_lastupdated_is_shown_to_the_microsecond_postgresql_reads_from_the_referral()
    {
        var random = new Random(36);
        var times = Enumerable.Range(0, 200)
            .Select(i => new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero).AddTicks(i < 100 ? i * 10 + 5 : random.NextInt64(TimeSpan.TicksPerDay)))
            .ToList();
        await using var connection = app.Store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select t::timestamptz from unnest(@times) t", connection);
        command.Parameters.AddWithValue("times", times.Select(t => t.ToString("o", CultureInfo.InvariantCulture)).ToArray());

        var read = new List<DateTimeOffset>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) read.Add(reader.GetFieldValue<DateTimeOffset>(0));

        times.Select(TaskSearch.Stored).ShouldBe(read);
    }
}
