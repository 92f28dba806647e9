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

/// <summary>
/// One exported entry: the trail's fields plus where it sits (stream, referral), its chain hash, and what the canonical
/// form needs besides (the stored type alias, the personal fields' digests by path), so a verifier can recompute the chain
/// from the export alone (<see cref="AuditVerifyCommand"/>). An NDJSON line is this record as JSON.
/// </summary>
public sealed record AuditExportRow(
    long Sequence, string Kind, DateTimeOffset At, string Type, Guid StreamId, Guid? ReferralId, AuditActor Actor,
    string? CorrelationId, string? CausationId, string Summary, JsonElement Data, string Hash,
    string TypeAlias, IReadOnlyDictionary<string, string>? Digests)
{
    public static AuditExportRow Of(AuditEntry e, PersonalDataDigest? digest) => new(
        e.Id, e.Kind, e.At, e.Type, e.StreamId, e.ReferralId, e.Actor, e.CorrelationId, e.CausationId, e.Summary, e.Data, e.Hash,
        e.TypeAlias, digest?.Digests);
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
        AccessLog.RecordSearch(session, AccessLog.AuditExport, $"format={(csv.Value ? "csv" : "ndjson")}&{range!.Describe()}");
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
        "correlationId", "causationId", "summary", "data", "hash", "typeAlias", "digests"
    ];

    public static async Task WriteAsync(IQuerySession session, AuditRange range, bool csv, Stream output, CancellationToken cancellation)
    {
        await using var writer = csv ? CsvWriter.Create(output, CsvFiles.Options, leaveOpen: true) : null;
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
            var ids = entries.Select(x => x.Id).ToArray();
            var digests = ids.Length == 0
                ? new Dictionary<long, PersonalDataDigest>()
                : (await session.Query<PersonalDataDigest>().Where(x => ids.Contains(x.Id)).ToListAsync(cancellation)).ToDictionary(x => x.Id);

            foreach (var entry in entries)
            {
                var row = AuditExportRow.Of(entry, digests.GetValueOrDefault(entry.Id));
                if (writer is not null)
                {
                    await writer.WriteRecordAsync(CsvFields(row), cancellation);
                }
                else
                {
                    JsonSerializer.Serialize(lines, row, Json);
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
        row.StreamId.ToString(), row.ReferralId?.ToString(), row.Actor.Sub, row.Actor.Name, row.Actor.Role,
        row.CorrelationId, row.CausationId, row.Summary, row.Data.GetRawText(), row.Hash,
        row.TypeAlias, row.Digests is null ? null : JsonSerializer.Serialize(row.Digests, Json)
    ];

    /// <summary>The API's JSON conventions, for the export's lines and for reading them back.</summary>
    public static readonly JsonSerializerOptions Json = ServiceSetup.Conventions;
}
