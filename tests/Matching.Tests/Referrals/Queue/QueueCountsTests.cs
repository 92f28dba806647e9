using System.Net;
using Marten;
using Matching.Service.Referrals;
using Matching.Service.Shared;
using Matching.Service.Referrals.Queue;
using Matching.Tests.Support;
using Npgsql;

namespace Matching.Tests.Referrals.Queue;

/// <summary>
/// The per-status counts the queue's totals are summed from stay equal to the queue's rows, whatever writes them:
/// commands, erasure, deletes, truncates, rebuilds, and a schema apply on a database that already has rows.
/// Each test checks the whole table against the rows, so the tests hold whatever the others left behind.
/// </summary>
public sealed class QueueCountsTests(AppFixture app) : IClassFixture<AppFixture>
{
    private const string QueueTable = "matching.mt_doc_referralqueueitem";

    [Fact]
    public async Task counts_follow_commands_and_the_queue_totals_equal_the_rows()
    {
        await Mix();

        await CountsShouldMatchRows();
        var rows = await RowsByStatus();
        rows.Count.ShouldBeGreaterThanOrEqualTo(4, "the mix leaves referrals in several statuses");
        (await Total("")).ShouldBe(rows.Where(r => r.Key != "Closed").Sum(r => r.Value));
        foreach (var status in Enum.GetValues<ReferralStatus>())
            (await Total($"?status={Words.Wire(status)}")).ShouldBe(rows.GetValueOrDefault(status.ToString()), status.ToString());
    }

    [Fact]
    public async Task a_total_with_another_filter_still_counts_its_rows()
    {
        await Mix();

        var urgentOpen = await Scalar($"select count(*) from {QueueTable} where urgent and status <> 'Closed'");
        (await Total("?urgent=true")).ShouldBe(urgentOpen);
        var urgentAwaitingTriage = await Scalar($"select count(*) from {QueueTable} where urgent and status = 'AwaitingTriage'");
        (await Total("?status=awaitingTriage&urgent=true")).ShouldBe(urgentAwaitingTriage);
    }

    [Fact]
    public async Task erasing_a_referral_leaves_the_counts_unchanged()
    {
        var referral = await app.Host.SubmittedReferral().Triaged();
        await CountsShouldMatchRows();
        var before = await CountsByStatus();

        var (status, body) = await app.Host.Post($"{referral.Url}/erasure", new { reason = "Request 2026-07 approved by counsel." }, Tokens.Compliance);

        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        Listed(await CountsByStatus()).ShouldBe(Listed(before));
        await CountsShouldMatchRows();
    }

    [Fact]
    public async Task deleting_truncating_and_rebuilding_queue_rows_keep_the_counts_exact()
    {
        var referrals = await Mix();
        var deleted = referrals[0];

        await Execute($"delete from {QueueTable} where id = '{deleted}'");
        await CountsShouldMatchRows();

        await app.Store.Advanced.RebuildSingleStreamAsync<ReferralQueueItem>(deleted);
        (await Scalar($"select count(*) from {QueueTable} where id = '{deleted}'")).ShouldBe(1);
        await CountsShouldMatchRows();

        await Execute($"truncate {QueueTable}");
        (await CountsByStatus()).ShouldBeEmpty();
        await CountsShouldMatchRows();

        foreach (var id in referrals) await app.Store.Advanced.RebuildSingleStreamAsync<ReferralQueueItem>(id);
        (await RowsByStatus()).Values.Sum().ShouldBe(referrals.Length);
        await CountsShouldMatchRows();

        await app.Store.Advanced.Clean.DeleteDocumentsByTypeAsync(typeof(ReferralQueueItem));
        await CountsShouldMatchRows();
    }

    [Fact]
    public async Task rebuilding_the_queue_projection_keeps_the_counts_exact()
    {
        var referrals = await Mix();

        var daemon = await app.Store.BuildProjectionDaemonAsync();
        await daemon.RebuildProjectionAsync<CoordinatorQueueProjection>(TimeSpan.FromMinutes(1), CancellationToken.None);

        (await Scalar($"select count(*) from {QueueTable} where id = any(@ids)", referrals)).ShouldBe(referrals.Length);
        await CountsShouldMatchRows();
    }

    [Fact]
    public async Task applying_the_schema_is_idempotent_and_counts_rows_written_before_it()
    {
        await Mix();
        await ApplySchema();
        await ApplySchema();
        await CountsShouldMatchRows();

        // Rows that existed before the counts table.
        await Execute($"drop table {QueueCounts.Table}");
        await ApplySchema();
        (await CountsByStatus()).ShouldNotBeEmpty();
        await CountsShouldMatchRows();

        // Rows written while the queue table had no trigger (a table Marten recreated, say).
        await Execute($"drop trigger referral_queue_counts_row on {QueueTable}");
        await app.Host.SubmittedReferral();
        await ApplySchema();
        await CountsShouldMatchRows();

        var slots = await Scalar($"select count(*) from {QueueCounts.Table} where slot not between 0 and {QueueCounts.Slots - 1}");
        slots.ShouldBe(0);
    }

    private Task ApplySchema() => app.Store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

    /// <summary>Referrals in several statuses through the commands: awaiting triage, awaiting match, waitlisted, closed, proposed.</summary>
    private async Task<Guid[]> Mix()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++) ids.Add((await app.Host.SubmittedReferral(urgent: i == 0)).Id);
        for (var i = 0; i < 3; i++) ids.Add((await app.Host.SubmittedReferral().Triaged()).Id);
        for (var i = 0; i < 2; i++) ids.Add((await app.Host.SubmittedReferral().Triaged().Waitlisted()).Id);
        for (var i = 0; i < 2; i++)
        {
            var closing = i == 0 ? await app.Host.SubmittedReferral() : await app.Host.SubmittedReferral().Triaged();
            var (status, body) = await closing.Command("close", new { outcome = "duplicate" });
            status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
            ids.Add(closing.Id);
        }
        ids.Add((await app.Host.SubmittedReferral().Triaged().Proposed()).Id);
        return ids.ToArray();
    }

    private async Task CountsShouldMatchRows() => Listed(await CountsByStatus()).ShouldBe(Listed(await RowsByStatus()));

    private static string[] Listed(Dictionary<string, long> counts) =>
        counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}").ToArray();

    /// <summary>The counts per status, leaving out statuses whose slots sum to nothing.</summary>
    private Task<Dictionary<string, long>> CountsByStatus() =>
        Grouped($"select status, sum(referrals)::bigint from {QueueCounts.Table} group by status having sum(referrals) <> 0");

    private Task<Dictionary<string, long>> RowsByStatus() =>
        Grouped($"select status, count(*) from {QueueTable} group by status");

    private async Task<long> Total(string query)
    {
        var (status, body) = await app.Host.Get($"/api/referrals{query}", Tokens.Coordinator);
        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        return body!["total"]!.GetValue<long>();
    }

    private async Task<Dictionary<string, long>> Grouped(string sql)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var result = new Dictionary<string, long>();
        while (await reader.ReadAsync()) result[reader.GetString(0)] = reader.GetInt64(1);
        return result;
    }

    private async Task<long> Scalar(string sql, Guid[]? ids = null)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (ids is not null) command.Parameters.AddWithValue("ids", ids);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task Execute(string sql)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
