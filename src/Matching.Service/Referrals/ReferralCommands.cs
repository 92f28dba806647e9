using System.Reflection;
using Matching.Service.Infrastructure;
using Matching.Service.Shared;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Matching.Service.Referrals;

/// <summary>Every referral command may carry the stream version its sender last saw.</summary>
public interface IReferralCommand
{
    int? ExpectedVersion { get; }
}

/// <summary>What every referral command answers: where the stream is now.</summary>
public record ReferralCommandResult(Guid ReferralId, long Version, ReferralStatus Status)
{
    public static ReferralCommandResult After(Referral referral, IReadOnlyCollection<object> events, ReferralStatus status) =>
        new(referral.Id, referral.Version + events.Count, status);
}

/// <summary>The checks every referral command starts with.</summary>
public static class Lifecycle
{
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
    : ReferralCommandResult(ReferralId, Version, Status), IHttpAware
{
    public void Apply(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status201Created;
        // What was created lives inside the referral: the referral is the resource to read it from.
        context.Response.Headers.Location = $"/api/referrals/{ReferralId}";
    }

    /// <summary>The result itself, not the (result, events, messages) tuple the endpoint returns.</summary>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(201, ResultType(method.ReturnType), ["application/json"]));

    private static Type ResultType(Type returned)
    {
        if (returned.IsGenericType && returned.GetGenericTypeDefinition() == typeof(Task<>)) returned = returned.GetGenericArguments()[0];
        return returned.IsGenericType && returned.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal)
            ? returned.GetGenericArguments()[0]
            : returned;
    }
}
