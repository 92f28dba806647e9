using System.Globalization;
using Marten;
using Matching.Service.Audit;
using Matching.Service.Clinicians;
using Matching.Service.Infrastructure;
using Matching.Service.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Attributes;
using Wolverine.Http;

namespace Matching.Service.Referrals.Queue;

public sealed record QueueItem(
    Guid ReferralId,
    string ClientName,
    ReferralStatus Status,
    bool Urgent,
    bool RiskAcknowledged,
    IReadOnlyList<Concern> Concerns,
    DateTimeOffset SubmittedAt,
    DateTimeOffset StatusSince,
    NextAction? NextAction,
    DateTimeOffset? DueAt,
    bool Overdue,
    Guid? ClinicianId,
    string? ClinicianName,
    int RematchCount,
    long Version,
    bool RiskFlagged,
    bool AwaitingRiskAcknowledgement,
    DateTimeOffset? LastContactAt,
    string Reference);

public sealed record QueuePage(IReadOnlyList<QueueItem> Items, long Total, int Page, int PageSize);

/// <summary>The queue's filters as read from the query string, once valid.</summary>
public sealed record QueueFilter(
    ReferralStatus? Status, bool? Urgent, bool? Overdue, Concern? Concern, Guid? ClinicianId, int Page, int PageSize)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    // Keeps (page - 1) * pageSize a sensible OFFSET.
    public const int MaxPage = 1_000_000;

    /// <summary>Client name, email, phone or reference typed by the coordinator; null for the whole queue.</summary>
    public QueueSearch? Search { get; init; }

    /// <summary>A column order asked for; null for the queue's own order (urgent unacknowledged, overdue, oldest intake).</summary>
    public QueueSort? Sort { get; init; }

    public static (QueueFilter? Filter, ProblemDetails? Problem) Parse(
        string? status, string? urgent, string? overdue, string? concern, string? clinicianId, string? page, string? pageSize,
        string? q = null, string? sort = null)
    {
        var errors = new Dictionary<string, string[]>();
        var parsedStatus = ParseEnum<ReferralStatus>(status, "status", errors);
        var parsedConcern = ParseEnum<Concern>(concern, "concern", errors);
        var parsedUrgent = ParseBool(urgent, "urgent", errors);
        var parsedOverdue = ParseBool(overdue, "overdue", errors);

        Guid? clinician = null;
        if (!string.IsNullOrEmpty(clinicianId))
        {
            if (Guid.TryParse(clinicianId, out var id)) clinician = id;
            else errors["clinicianId"] = ["Give a clinician id as a GUID."];
        }

        var pageNumber = 1;
        if (!string.IsNullOrEmpty(page) && (!int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out pageNumber) || pageNumber is < 1 or > MaxPage))
            errors["page"] = [$"Page numbers run from 1 to {MaxPage}."];
        var size = DefaultPageSize;
        if (!string.IsNullOrEmpty(pageSize) && (!int.TryParse(pageSize, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxPageSize))
            errors["pageSize"] = [$"Page size is from 1 to {MaxPageSize}."];
        if (QueueSearch.Problem(q) is { } searchProblem) errors["q"] = [searchProblem];
        QueueSort? parsedSort = null;
        if (!string.IsNullOrEmpty(sort) && (parsedSort = QueueSort.Parse(sort)) is null)
            errors["sort"] = [$"Unknown sort '{sort}'; use one of {string.Join(", ", QueueSort.Names)}."];

        return errors.Count > 0
            ? (null, Problems.Invalid(errors))
            : (new QueueFilter(parsedStatus, parsedUrgent, parsedOverdue, parsedConcern, clinician, pageNumber, size)
            {
                Search = QueueSearch.Parse(q), Sort = parsedSort
            }, null);
    }

    private static T? ParseEnum<T>(string? value, string field, Dictionary<string, string[]> errors) where T : struct, Enum
    {
        if (string.IsNullOrEmpty(value)) return null;
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(Words.Wire(candidate), value, StringComparison.OrdinalIgnoreCase)) return candidate;
        }
        errors[field] = [$"Unknown {field} '{value}'; use one of {string.Join(", ", Enum.GetValues<T>().Select(v => Words.Wire(v)))}."];
        return null;
    }

    private static bool? ParseBool(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (bool.TryParse(value, out var parsed)) return parsed;
        errors[field] = ["Use true or false."];
        return null;
    }
}

public static class CoordinatorQueueEndpoint
{
    /// <summary>
    /// Filters, orders and pages in PostgreSQL (<see cref="QueueSql"/>). Each row's due time is stored (it only
    /// changes with events), so "overdue" is a comparison of that column with the current time, passed in per
    /// query: the filter and the order stay right as time passes without touching any row.
    /// </summary>
    public static async Task<QueuePage> Query(
        IQuerySession session, QueueFilter filter, DateTimeOffset now, MatchingOptions options, CancellationToken cancellation)
    {
        var store = session.DocumentStore.Options;
        var table = store.FindOrResolveDocumentType(typeof(ReferralQueueItem)).TableName.QualifiedName;
        var clinicians = store.FindOrResolveDocumentType(typeof(Clinician)).TableName.QualifiedName;
        var serializer = store.Serializer();
        await using var command = QueueSql.Command(table, clinicians, filter, now);
        long total;
        var items = new List<QueueItem>(filter.PageSize);
        await using (var reader = await session.ExecuteReaderAsync(command, cancellation))
        {
            await reader.ReadAsync(cancellation);
            total = reader.GetInt64(0);
            await reader.NextResultAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                // The version lives in its column (Marten's numeric revision), as Marten's own reads take it.
                var row = serializer.FromJson<ReferralQueueItem>(reader, 1) with { Id = reader.GetGuid(0), Version = reader.GetInt64(2) };
                var clinicianName = await reader.IsDBNullAsync(3, cancellation) ? null : reader.GetString(3);
                var (step, overdue) = ServiceLevels.Evaluate(row, options, now);
                items.Add(new QueueItem(row.Id, row.ClientName, row.Status, row.Urgent, row.RiskAcknowledged, row.Concerns,
                    row.SubmittedAt, row.StatusSince, step.Action, step.DueAt, overdue, row.ClinicianId, clinicianName,
                    row.RematchCount, row.Version, row.RiskFlagged, row.AwaitingRiskAcknowledgement, row.LastContactAt, row.Reference));
            }
        }

        return new QueuePage(items, total, filter.Page, filter.PageSize);
    }

    /// <summary>
    /// A search reads client names, emails and phones to find its rows: each referral it returns is recorded as an access
    /// (never what was typed, which is itself personal).
    /// </summary>
    public static async Task RecordSearchAsync(IDocumentSession session, QueueFilter filter, QueuePage page, CancellationToken cancellation)
    {
        if (filter.Search is null || page.Items.Count == 0) return;
        foreach (var item in page.Items) AccessLog.Record(session, item.ReferralId, AccessLog.ReferralSearch);
        await session.SaveChangesAsync(cancellation);
    }

    [WolverineGet("/api/referrals"), Authorize(Policy = Policies.Coordination)]
    [ProducesResponseType<QueuePage>(200)]
    [NonTransactional]
    public static async Task<IResult> Get(
        string? status, string? urgent, string? overdue, string? concern, string? clinicianId, string? page, string? pageSize,
        string? q, string? sort, IDocumentSession session, TimeProvider time, MatchingOptions options, CancellationToken cancellation)
    {
        var (filter, problem) = QueueFilter.Parse(status, urgent, overdue, concern, clinicianId, page, pageSize, q, sort);
        if (problem is not null) return Results.Problem(problem);
        var found = await Query(session, filter!, time.GetUtcNow(), options, cancellation);
        await RecordSearchAsync(session, filter!, found, cancellation);
        return Results.Ok(found);
    }
}
