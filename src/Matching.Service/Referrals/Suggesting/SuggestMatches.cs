using FluentValidation;
using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Clinicians.Workload;
using Matching.Service.Infrastructure;
using Matching.Service.Matching;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.Suggesting;

public sealed record SuggestMatches(int? Limit, int? ExpectedVersion) : IReferralCommand, ICommand<MatchSuggestionsResult>
{
    public const int DefaultLimit = 10;

    [NotFromBody] public Guid ReferralId { get; init; }
    public const int MaxLimit = 50;
}

public sealed class SuggestMatchesValidator : AbstractValidator<SuggestMatches>
{
    public SuggestMatchesValidator() =>
        RuleFor(x => x.Limit).InclusiveBetween(1, SuggestMatches.MaxLimit).WithMessage($"Between 1 and {SuggestMatches.MaxLimit}.");
}

/// <summary>200: the run as recorded, in the contract's shape, plus where the stream now stands.</summary>
public sealed record MatchSuggestionsResult(
    Guid ReferralId,
    DateTimeOffset SuggestedAt,
    string EngineVersion,
    string WeightsVersion,
    int Limit,
    int ConsideredCount,
    int EligibleCount,
    SuggestionExclusions ExclusionCounts,
    IReadOnlyList<SuggestedCandidate> Candidates,
    long Version,
    ReferralStatus Status) : IAnswer;

public static class SuggestMatchesHandler
{
    /// <summary>
    /// Matching runs only where a proposal can follow: awaiting a match, or waiting on the waitlist.
    /// Not while proposed (one open proposal at a time, so the run would answer a question nobody can
    /// act on, and its capacity figures would be stale by the time the clinician answers), nor later.
    /// </summary>
    public static readonly ReferralStatus[] AllowedFrom = [ReferralStatus.AwaitingMatch, ReferralStatus.Waitlisted];

    public static ProblemDetails Validate(SuggestMatches command, Referral? referral, IValidator<SuggestMatches> validator) => Problems.FirstOf(
        () => Problems.Check(validator, command),
        () => Lifecycle.Exists(referral),
        () => Lifecycle.Stale(referral!, command),
        () => Lifecycle.RequireRiskAcknowledged(referral!, "suggest matches for"),
        () => Lifecycle.RequireStatus(referral!, "suggest matches for", AllowedFrom));

    /// <summary>Runs the engine over the directory and records the run.</summary>
    public static MatchesSuggested Decide(
        Referral referral, SuggestMatches command, IReadOnlyList<ClinicianCandidate> directory, MatchWeights weights, TimeZoneInfo practiceZone)
    {
        var limit = command.Limit ?? SuggestMatches.DefaultLimit;
        var result = MatchingEngine.Rank(ClientNeeds.From(referral, practiceZone), directory, weights, limit);
        var counts = result.ExclusionCounts;
        return new MatchesSuggested(
            result.EngineVersion, result.WeightsVersion, limit, result.ConsideredCount, result.EligibleCount,
            new SuggestionExclusions(
                counts[ExclusionReason.NotAccepting], counts[ExclusionReason.NoCapacity], counts[ExclusionReason.FormatMismatch],
                counts[ExclusionReason.NotLicensedInState], counts[ExclusionReason.SessionTypeMismatch],
                counts[ExclusionReason.AgeGroupMismatch], counts[ExclusionReason.PayerMismatch], counts[ExclusionReason.LanguageMismatch],
                counts[ExclusionReason.KetamineNotOffered], counts[ExclusionReason.PreviouslyDeclined]),
            result.Candidates.Select(c => new SuggestedCandidate(c.ClinicianId, c.Name, c.Rank, c.Score,
                c.Reasons.Select(r => new SuggestionReason(r.Criterion, r.Points, r.Detail)).ToList())).ToList());
    }

    /// <summary>Every clinician not offboarded, with the load their referrals give them now.</summary>
    public static async Task<IReadOnlyList<ClinicianCandidate>> LoadDirectoryAsync(
        IQuerySession session, DateTimeOffset now, CancellationToken cancellation)
    {
        var clinicians = await session.Query<Clinician>().Where(c => !c.Offboarded).ToListAsync(cancellation);
        return await CandidatesAsync(session, clinicians, now, cancellation);
    }

    /// <summary>The clinicians as the engine sees them, with the load their referrals give them now.</summary>
    public static async Task<IReadOnlyList<ClinicianCandidate>> CandidatesAsync(
        IQuerySession session, IReadOnlyList<Clinician> clinicians, DateTimeOffset now, CancellationToken cancellation)
    {
        if (clinicians.Count == 0) return [];
        var workloads = await ClinicianWorkloads.ForAsync(session, clinicians.Select(c => c.Id).ToArray(), now, cancellation);
        return clinicians
            .Select(c => ClinicianCandidate.From(c, workloads.GetValueOrDefault(c.Id) ?? ClinicianWorkload.None(c.Id)))
            .ToList();
    }

    public static async Task<(MatchSuggestionsResult, Events)> Handle(
        SuggestMatches command, [WriteAggregate(Required = false)] Referral referral, IDocumentSession session,
        MatchWeights weights, MatchingOptions options, TimeProvider time, CancellationToken cancellation)
    {
        var now = time.GetUtcNow();
        var directory = await LoadDirectoryAsync(session, now, cancellation);
        var suggested = Decide(referral, command, directory, weights, options.TimeZone);
        var after = ReferralCommandResult.After(referral, [suggested]);
        return (new MatchSuggestionsResult(referral.Id, now, suggested.EngineVersion, suggested.WeightsVersion, suggested.Limit,
                suggested.ConsideredCount, suggested.EligibleCount, suggested.ExclusionCounts, suggested.Candidates,
                after.Version, after.Status),
            new Events([suggested]));
    }
}

public static class SuggestMatchesEndpoint
{
    [WolverinePost("/api/referrals/{referralId}/match-suggestions"), Authorize(Policy = Policies.Coordination)]
    public static Task<HttpAnswer<MatchSuggestionsResult>> Post(Guid referralId, SuggestMatches command, IMessageBus bus, CancellationToken cancellation) =>
        bus.AnswerHttpAsync(command with { ReferralId = referralId }, cancellation);
}
