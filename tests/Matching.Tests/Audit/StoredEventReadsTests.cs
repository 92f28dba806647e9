using Marten;
using Matching.Service.Audit;
using Matching.Tests.Support;
using Npgsql;

namespace Matching.Tests.Audit;

/// <summary>The one reader of Marten's event table by SQL gives each event's data exactly as stored, in sequence order.</summary>
public class StoredEventReadsTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task a_range_of_the_log_reads_back_as_stored_from_its_first_sequence_up_to_its_last()
    {
        await app.Host.SubmittedReferral(urgent: true);
        await app.Host.SubmittedReferral().Triaged();
        var stored = await StoredRows();
        stored.Count.ShouldBeGreaterThanOrEqualTo(4);
        var from = stored[1].Sequence;
        var to = stored[^1].Sequence;

        await using var session = app.Store.QuerySession();
        var read = await Matching.Service.Audit.StoredEvents.ReadAsync(session, from, to, CancellationToken.None);

        read.Select(e => e.Sequence).ShouldBe(stored.Where(s => s.Sequence >= from && s.Sequence < to).Select(s => s.Sequence));
        foreach (var e in read)
        {
            var row = stored.Single(s => s.Sequence == e.Sequence);
            e.StreamId.ShouldBe(row.StreamId);
            e.Data.GetRawText().ShouldBe(row.Data, $"event {e.Sequence}");
        }
    }

    private async Task<List<(long Sequence, Guid StreamId, string Data)>> StoredRows()
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select seq_id, stream_id, data::text from matching.mt_events order by seq_id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(long, Guid, string)>();
        while (await reader.ReadAsync()) rows.Add((reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2)));
        return rows;
    }
}
