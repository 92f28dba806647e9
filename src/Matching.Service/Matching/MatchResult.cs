namespace Matching.Service.Matching;

/// <summary>One criterion's share of a score, with a plain-words detail that names no person.</summary>
public sealed record ScoreReason(string Criterion, double Points, string Detail);

public sealed record RankedCandidate(Guid ClinicianId, string Name, int Rank, double Score, IReadOnlyList<ScoreReason> Reasons);

/// <summary>
/// One matching run: how many clinicians were considered (not offboarded), how many passed every
/// filter, why the others were left out (every reason, contract order), and the best of the eligible.
/// </summary>
public sealed record MatchResult(
    string EngineVersion,
    string WeightsVersion,
    int ConsideredCount,
    int EligibleCount,
    IReadOnlyDictionary<ExclusionReason, int> ExclusionCounts,
    IReadOnlyList<RankedCandidate> Candidates);
