using Matching.Service.Infrastructure;
using Matching.Service.Shared;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Marten;

namespace Matching.Service.Referrals;

/// <summary>A command on one referral's stream: which referral (from the route), and the version its sender last saw.</summary>
public interface IReferralCommand
{
    Guid ReferralId { get; }
    int? ExpectedVersion { get; }
}

/// <summary>What every referral command answers: where the stream is now.</summary>
public record ReferralCommandResult(Guid ReferralId, long Version, ReferralStatus Status) : IAnswer
{
    /// <summary>The stream after the events, its status from the referral's own transitions (<see cref="Referral.StatusAfter(object)"/>).</summary>
    public static ReferralCommandResult After(Referral referral, IReadOnlyCollection<object> events) =>
        new(referral.Id, referral.Version + events.Count, Referral.StatusAfter(referral.Status, events));

    /// <summary>The usual return of a referral command's handler: the answer and the events to append.</summary>
    public static (ReferralCommandResult, Events) With(Referral referral, object[] events) => (After(referral, events), new Events(events));
}

/// <summary>The checks every referral command starts with.</summary>
public static class Lifecycle
{
    /// <summary>404 when the command names a referral that doesn't exist.</summary>
    public static ProblemDetails Exists(Referral? referral) => referral is null ? Problems.NotFound("referral") : Problems.NoProblems;

    /// <summary>409 when the caller saw an older version than the stream's.</summary>
    public static ProblemDetails Stale(Referral referral, IReferralCommand command) =>
        command.ExpectedVersion is { } expected && expected != referral.Version
            ? Problems.StaleVersion(expected, referral.Version)
            : Problems.NoProblems;

    /// <summary>409 unless the referral is in one of the given statuses.</summary>
    public static ProblemDetails RequireStatus(Referral referral, string action, params ReferralStatus[] allowed) =>
        allowed.Contains(referral.Status)
            ? Problems.NoProblems
            : Problems.Conflict(
                $"Can't {action} a referral that is {Words.Wire(referral.Status)}; allowed from {string.Join(", ", allowed.Select(s => Words.Wire(s)))}.",
                "invalidTransition");

    /// <summary>409 while an urgent referral's risk is unacknowledged.</summary>
    public static ProblemDetails RequireRiskAcknowledged(Referral referral, string action) =>
        referral.AwaitingRiskAcknowledgement
            ? Problems.Conflict(
                $"Can't {action} an urgent referral until a coordinator records a risk acknowledgement.",
                "riskNotAcknowledged")
            : Problems.NoProblems;

    public static ProblemDetails RequireOpen(Referral referral, string action) =>
        referral.Status == ReferralStatus.Closed
            ? Problems.Conflict($"Can't {action} a closed referral.", "referralClosed")
            : Problems.NoProblems;
}

/// <summary>A 201 answer for commands that create something inside the referral.</summary>
public abstract record CreatedReferralResult(Guid ReferralId, long Version, ReferralStatus Status)
    : ReferralCommandResult(ReferralId, Version, Status), ICreatedResult
{
    // What was created lives inside the referral: the referral is the resource to read it from.
    string ICreatedResult.Location => $"/api/referrals/{ReferralId}";
}
