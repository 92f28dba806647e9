using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.Triaging;

public sealed record TriageReferral(TriagePriority? Priority, string? Note, int? ExpectedVersion) : IReferralCommand;

public static class TriageReferralEndpoint
{
    public static ProblemDetails Validate(TriageReferral command, Referral referral) => Problems.FirstOf(
        () => command.Priority is null ? Problems.Invalid("priority", "Choose routine or urgent.") : null,
        () => command.Note is { Length: > 4000 } ? Problems.Invalid("note", "At most 4000 characters.") : null,
        () => Lifecycle.Stale(referral, command),
        () => Lifecycle.RequireStatus(referral, "triage", ReferralStatus.AwaitingTriage),
        () => Lifecycle.RequireRiskAcknowledged(referral, "triage"));

    public static object[] Decide(Referral referral, TriageReferral command) =>
        [new ReferralTriaged(command.Priority!.Value, command.Note)];

    [WolverinePost("/api/referrals/{referralId}/triage"), Authorize(Policy = Policies.Coordination)]
    public static (ReferralCommandResult, Events) Post(TriageReferral command, [WriteAggregate("referralId")] Referral referral)
    {
        var events = Decide(referral, command);
        return (ReferralCommandResult.After(referral, events, ReferralStatus.AwaitingMatch), new Events(events));
    }
}
