using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Marten;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Attributes;
using Wolverine.Http;

namespace Matching.Service.Audit;

/// <summary>One exported entry: the trail's fields plus where it sits (stream, referral) and its chain hash.</summary>
public sealed record AuditExportRow(
    long Sequence, string Kind, DateTimeOffset At, string Type, Guid StreamId, Guid? ReferralId,
    string ActorSub, string ActorName, string ActorRole, string? CorrelationId, string? CausationId,
    string Summary, string Data, string Hash)
{
    public static AuditExportRow Of(AuditEntry e) => new(
        e.Id, e.Kind, e.At, e.Type, e.StreamId, e.ReferralId, e.Actor.Sub, e.Actor.Name, e.Actor.Role,
        e.CorrelationId, e.CausationId, e.Summary, e.Data.GetRawText(), e.Hash);
}

/// <summary>
/// Streams the audit trail as CSV or NDJSON in constant memory: pages of <see cref="PageSize"/>
/// entries by sequence (the primary key), each written and flushed before the next is read.
/// </summary>
public static class AuditExport
{
    public const int PageSize = 1_000;

    [WolverineGet("/api/audit/export"), Authorize(Policy = Policies.Audit), NonTransactional]
    [ProducesResponseType(200), ProducesResponseType<ProblemDetails>(400)]
    public static async Task<IResult> Get(
        string? from, string? to, string? format, ClaimsPrincipal user, IDocumentSession session, IDocumentStore store,
        MatchingOptions options, CancellationToken cancellation)
    {
        var (range, problem) = AuditRange.Parse(from, to, options);
        if (problem is not null) return Results.Problem(problem);
        var csv = format switch
        {
            null or "" or "ndjson" => false,
            "csv" => true,
            _ => (bool?)null
        };
        if (csv is null) return Results.Problem(Problems.Invalid("format", "Use csv or ndjson."));

        // Recorded before the first byte goes out: an export nobody can account for is not sent.
        AccessLog.Record(session, null, AccessLog.AuditExport, $"format={(csv.Value ? "csv" : "ndjson")}&{range!.Describe()}",
            Actor.From(user).Sub);
        await session.SaveChangesAsync(cancellation);

        return Results.Stream(async output =>
        {
            await using var query = store.QuerySession();
            await WriteAsync(query, range, csv.Value, output, cancellation);
        }, csv.Value ? "text/csv; charset=utf-8" : "application/x-ndjson", $"audit.{(csv.Value ? "csv" : "ndjson")}");
    }

    public static readonly string[] CsvHeader =
    [
        "sequence", "kind", "at", "type", "streamId", "referralId", "actorSub", "actorName", "actorRole",
        "correlationId", "causationId", "summary", "data", "hash"
    ];

    public static async Task WriteAsync(IQuerySession session, AuditRange range, bool csv, Stream output, CancellationToken cancellation)
    {
        await using var writer = csv ? CsvWriter.Create(output, null, leaveOpen: true) : null;
        // NDJSON lines of one page are gathered and written out asynchronously (the server refuses synchronous writes).
        var lines = new MemoryStream();
        if (writer is not null) await writer.WriteRecordAsync(CsvHeader, cancellation);

        var after = 0L;
        while (true)
        {
            var entries = await session.Query<AuditEntry>()
                .Where(x => x.Id > after)
                .Within(range)
                .OrderBy(x => x.Id)
                .Take(PageSize)
                .ToListAsync(cancellation);

            foreach (var entry in entries)
            {
                var row = AuditExportRow.Of(entry);
                if (writer is not null)
                {
                    await writer.WriteRecordAsync(CsvFields(row), cancellation);
                }
                else
                {
                    JsonSerializer.Serialize(lines, ToJson(row), Json);
                    lines.WriteByte((byte)'\n');
                }
            }

            if (writer is not null) await writer.FlushAsync(cancellation);
            else
            {
                lines.Position = 0;
                await lines.CopyToAsync(output, cancellation);
                lines.SetLength(0);
                await output.FlushAsync(cancellation);
            }

            if (entries.Count < PageSize) break;
            after = entries[^1].Id;
        }
    }

    private static string?[] CsvFields(AuditExportRow row) =>
    [
        row.Sequence.ToString(CultureInfo.InvariantCulture), row.Kind, AuditChain.Instant(row.At), row.Type,
        row.StreamId.ToString(), row.ReferralId?.ToString(), row.ActorSub, row.ActorName, row.ActorRole,
        row.CorrelationId, row.CausationId, row.Summary, row.Data, row.Hash
    ];

    private static readonly JsonSerializerOptions Json = CreateJson();

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions();
        ServiceSetup.Configure(options);
        return options;
    }

    /// <summary>NDJSON keeps the data as JSON rather than a string.</summary>
    private static object ToJson(AuditExportRow row) => new
    {
        row.Sequence, row.Kind, row.At, row.Type, row.StreamId, row.ReferralId,
        Actor = new AuditActor(row.ActorSub, row.ActorName, row.ActorRole),
        row.CorrelationId, row.CausationId, row.Summary,
        Data = JsonDocument.Parse(row.Data).RootElement,
        row.Hash
    };
}
