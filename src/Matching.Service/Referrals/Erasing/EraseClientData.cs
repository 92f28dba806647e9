using FluentValidation;
using Marten;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Attributes;
using Wolverine.Http;

namespace Matching.Service.Referrals.Erasing;

/// <summary>
/// Reason: staff text about the request (who asked, counsel's approval), never the client's data. ExpectedVersion, as on
/// every referral command: the stream version the caller last saw.
/// </summary>
public sealed record EraseClientData(string? Reason, int? ExpectedVersion = null) : IReferralCommand;

public sealed class EraseClientDataValidator : AbstractValidator<EraseClientData>
{
    public static readonly EraseClientDataValidator Instance = new();

    private EraseClientDataValidator() =>
        RuleFor(x => x.Reason).NotEmpty().WithMessage("Say why the data is erased (the request, the approval).")
            .MaximumLength(EraseClientDataEndpoint.MaxReasonLength).WithMessage($"At most {EraseClientDataEndpoint.MaxReasonLength} characters.");
}

public static class EraseClientDataEndpoint
{
    public const int MaxReasonLength = 1000;

    public static ProblemDetails Validate(EraseClientData command) =>
        Problems.Check(EraseClientDataValidator.Instance, command);

    /// <summary>
    /// Masks every personal field in the referral's events and its access stream (Marten's masking rules,
    /// applied in the database), then records ClientDataErased, whose inline application masks the
    /// snapshot and the queue row; the audit projection masks its rows and shreds the digest salt when it
    /// reaches that event. A repeat answers 200 and appends nothing.
    /// </summary>
    [WolverinePost("/api/referrals/{referralId}/erasure"), Authorize(Policy = Policies.Erasure), NonTransactional]
    [ProducesResponseType<ReferralCommandResult>(200), ProducesResponseType<ProblemDetails>(404)]
    public static async Task<IResult> Post(
        Guid referralId, EraseClientData command, IDocumentSession session, IDocumentStore store, CancellationToken cancellation)
    {
        if (await session.LoadAsync<Referral>(referralId, cancellation) is not { } referral)
            return Results.Problem(Problems.NotFound("referral"));
        var version = (await session.Events.FetchStreamStateAsync(referralId, cancellation))?.Version ?? referral.Version;
        var stale = Lifecycle.Stale(referral with { Version = version }, command);
        if (!ReferenceEquals(stale, Problems.NoProblems)) return Results.Problem(stale);
        if (referral.PersonalDataErased)
            return Results.Ok(new ReferralCommandResult(referralId, version, referral.Status));

        // Masking first: if it fails nothing is recorded and a retry starts over; it is idempotent.
        // The reads of the referral (each its own stream) name it and the resource only: nothing in them to mask.
        await store.Advanced.ApplyEventDataMasking(x => x.IncludeStream(referralId), cancellation);

        session.Events.Append(referralId, version + 1, new ClientDataErased(command.Reason!.Trim()));
        await session.SaveChangesAsync(cancellation);
        return Results.Ok(new ReferralCommandResult(referralId, version + 1, referral.Status));
    }
}
