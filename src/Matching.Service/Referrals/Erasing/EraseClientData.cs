using System.Text.Json.Nodes;
using FluentValidation;
using Marten;
using Matching.Service.Audit;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Attributes;
using Wolverine.Http;

namespace Matching.Service.Referrals.Erasing;

/// <summary>
/// Reason: staff text about the request (who asked, counsel's approval), never the client's data. ExpectedVersion, as on
/// every referral command: the stream version the caller last saw.
/// </summary>
public sealed record EraseClientData(string? Reason, int? ExpectedVersion = null) : IReferralCommand, ICommand<ReferralCommandResult>
{
    [NotFromBody] public Guid ReferralId { get; init; }
}

public sealed class EraseClientDataValidator : AbstractValidator<EraseClientData>
{
    public EraseClientDataValidator() =>
        RuleFor(x => x.Reason).NotEmpty().WithMessage("Say why the data is erased (the request, the approval).")
            .MaximumLength(EraseClientDataHandler.MaxReasonLength).WithMessage($"At most {EraseClientDataHandler.MaxReasonLength} characters.");
}

public static class EraseClientDataHandler
{
    public const int MaxReasonLength = 1000;

    /// <summary>The referral at its stream's version (its reads are streams of their own and don't move the snapshot's).</summary>
    public static async Task<Referral?> LoadAsync(EraseClientData command, IDocumentSession session, CancellationToken cancellation)
    {
        if (await session.LoadAsync<Referral>(command.ReferralId, cancellation) is not { } referral) return null;
        var version = (await session.Events.FetchStreamStateAsync(command.ReferralId, cancellation))?.Version ?? referral.Version;
        return referral with { Version = version };
    }

    public static ProblemDetails Validate(EraseClientData command, Referral? referral, IValidator<EraseClientData> validator) => Problems.FirstOf(
        () => Problems.Check(validator, command),
        () => Lifecycle.Exists(referral),
        () => Lifecycle.Stale(referral!, command));

    /// <summary>
    /// Masks every personal field of the referral's events where it lies in each stored row, and records ClientDataErased in
    /// the same transaction; that event's inline application masks the snapshot and the queue row, and the audit projection
    /// masks its rows and shreds the digest salt when it reaches it. A repeat answers 200 and appends nothing.
    /// </summary>
    [NonTransactional]
    public static async Task<ReferralCommandResult> Handle(
        EraseClientData command, Referral referral, IDocumentSession session, CancellationToken cancellation)
    {
        if (referral.PersonalDataErased) return new ReferralCommandResult(referral.Id, referral.Version, referral.Status);

        // The reads of the referral (each its own stream) name it and the resource only: nothing in them to mask.
        await MaskEventsAsync(session, referral.Id, cancellation);

        // The client's links go with their data: the keys are deleted, and the event empties the referral's list.
        session.DeleteWhere<ClientLink.ClientLinkKey>(k => k.ReferralId == referral.Id);
        object[] events = [new ClientDataErased(command.Reason!.Trim())];
        session.Events.Append(referral.Id, referral.Version + events.Length, events);
        await session.SaveChangesAsync(cancellation);
        return ReferralCommandResult.After(referral, events);
    }

    /// <summary>
    /// Queues, in the session's transaction, the masking of every personal value in the stream's event rows, each row in
    /// the shape it was stored in (docs/adr/0014, 0026): every other byte stays, so the audit chain over the row still holds.
    /// Marten's own masking rewrites an event from the object it reads, which for an older row is today's shape, not its own.
    /// </summary>
    public static async Task MaskEventsAsync(IDocumentSession session, Guid streamId, CancellationToken cancellation)
    {
        var schema = session.DocumentStore.Options.Events.DatabaseSchemaName;
        var rows = await session.AdvancedSql.QueryAsync<string>(
            $"select json_build_object('seq', seq_id, 'type', mt_dotnet_type, 'alias', type, 'data', data)::text from {schema}.mt_events where stream_id = ?",
            cancellation, streamId);
        foreach (var row in rows.Select(r => JsonNode.Parse(r)!.AsObject()))
        {
            var type = EventVersions.ClrName(row["type"]?.GetValue<string>());
            if (PersonalData.Of(type, row["alias"]!.GetValue<string>()) is not { } personal || row["data"] is not JsonObject data) continue;
            var masked = personal.Mask(data);
            if (JsonNode.DeepEquals(masked, data)) continue;
            session.QueueSqlCommand($"update {schema}.mt_events set data = ?::jsonb where seq_id = ?", masked.ToJsonString(), row["seq"]!.GetValue<long>());
        }
    }
}

public static class EraseClientDataEndpoint
{
    [WolverinePost("/api/referrals/{referralId}/erasure"), Authorize(Policy = Policies.Erasure)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static Task<HttpAnswer<ReferralCommandResult>> Post(Guid referralId, EraseClientData command, IMessageBus bus, CancellationToken cancellation) =>
        bus.AnswerHttpAsync(command with { ReferralId = referralId }, cancellation);
}
