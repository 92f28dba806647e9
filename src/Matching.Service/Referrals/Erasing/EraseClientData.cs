using FluentValidation;
using Marten;
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
    /// Masks every personal field in the referral's events and its access stream (Marten's masking rules,
    /// applied in the database), then records ClientDataErased, whose inline application masks the
    /// snapshot and the queue row; the audit projection masks its rows and shreds the digest salt when it
    /// reaches that event. A repeat answers 200 and appends nothing.
    /// </summary>
    [NonTransactional]
    public static async Task<ReferralCommandResult> Handle(
        EraseClientData command, Referral referral, IDocumentSession session, IDocumentStore store, CancellationToken cancellation)
    {
        if (referral.PersonalDataErased) return new ReferralCommandResult(referral.Id, referral.Version, referral.Status);

        // Masking first: if it fails nothing is recorded and a retry starts over; it is idempotent.
        // The reads of the referral (each its own stream) name it and the resource only: nothing in them to mask.
        await store.Advanced.ApplyEventDataMasking(x => x.IncludeStream(referral.Id), cancellation);

        object[] events = [new ClientDataErased(command.Reason!.Trim())];
        session.Events.Append(referral.Id, referral.Version + events.Length, events);
        await session.SaveChangesAsync(cancellation);
        return ReferralCommandResult.After(referral, events);
    }
}

public static class EraseClientDataEndpoint
{
    [WolverinePost("/api/referrals/{referralId}/erasure"), Authorize(Policy = Policies.Erasure)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static Task<HttpAnswer<ReferralCommandResult>> Post(Guid referralId, EraseClientData command, IMessageBus bus, CancellationToken cancellation) =>
        bus.AnswerHttpAsync(command with { ReferralId = referralId }, cancellation);
}
