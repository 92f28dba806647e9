using Marten;
using Matching.Service.Audit;
using Matching.Service.Clinicians;
using Matching.Service.Infrastructure;
using Matching.Service.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Attributes;
using Wolverine.Http;

namespace Matching.Service.Referrals.GettingDetails;

public sealed record RiskView(
    SelfHarmAnswer Answer,
    DateTimeOffset FlaggedAt,
    bool Acknowledged,
    DateTimeOffset? AcknowledgedAt,
    RiskAction? ActionTaken,
    string? Note,
    bool Escalated);

public sealed record ProposalView(
    Guid ProposalId,
    ProposalStatus Status,
    Guid ClinicianId,
    string? ClinicianName,
    DateTimeOffset ProposedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? AnsweredAt,
    DeclineReason? DeclineReason,
    string? Note,
    string? AnswerNote,
    string? OverrideReason);

public sealed record FirstSessionView(
    Guid SessionId,
    FirstSessionStatus Status,
    Guid ClinicianId,
    string? ClinicianName,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    int DurationMinutes,
    SessionFormat Format,
    DateTimeOffset BookedAt,
    CancelledBy? CancelledBy,
    string? Note);

/// <summary>The latest match-suggestion run recorded on the referral, as it was recorded.</summary>
public sealed record SuggestionsView(DateTimeOffset SuggestedAt, long Version, MatchesSuggested Result);

/// <summary>Everything a coordinator sees on one referral; the intake in the shape it was submitted in.</summary>
public sealed record ReferralDetails(
    Guid ReferralId,
    long Version,
    ReferralStatus Status,
    DateTimeOffset SubmittedAt,
    DateTimeOffset StatusSince,
    DateOnly IntakeDate,
    AgeGroup AgeGroup,
    Intake Intake,
    bool Urgent,
    TriagePriority? Priority,
    bool RiskAcknowledged,
    bool AwaitingRiskAcknowledgement,
    RiskView? Risk,
    Guid? ClinicianId,
    string? ClinicianName,
    IReadOnlyList<ProposalView> Proposals,
    SuggestionsView? Suggestions,
    IReadOnlyList<ContactAttempt> ContactAttempts,
    FirstSessionView? FirstSession,
    Closure? Closure,
    string? WaitlistReason,
    int RematchCount,
    bool PersonalDataErased,
    Fhir.PartnerReferralReceived? Partner = null);

public static class ReferralDetailsEndpoint
{
    public const string MatchesSuggestedEvent = "MatchesSuggested";

    public static async Task<ReferralDetails?> Load(IQuerySession session, Guid referralId, CancellationToken cancellation)
    {
        var referral = await session.LoadAsync<Referral>(referralId, cancellation);
        if (referral is null) return null;

        var clinicianIds = referral.Proposals.Select(p => p.ClinicianId)
            .Concat(referral.FirstSession is { } s ? [s.ClinicianId] : [])
            .Distinct().ToArray();
        var names = clinicianIds.Length == 0
            ? new Dictionary<Guid, string>()
            : (await session.LoadManyAsync<Clinician>(cancellation, clinicianIds)).ToDictionary(c => c.Id, c => c.Profile.Name);

        // Suggestion runs are recorded on the stream but not kept on the snapshot, and the snapshot
        // document as loaded does not carry the stream version: both come from the stream itself.
        var events = await session.Events.FetchStreamAsync(referralId, token: cancellation);
        var latest = events.LastOrDefault(e => e.EventType.Name == MatchesSuggestedEvent);
        var suggestions = latest is null ? null : new SuggestionsView(latest.Timestamp, latest.Version, (MatchesSuggested)latest.Data);
        var version = events.Count > 0 ? events[^1].Version : referral.Version;

        return Map(referral with { Version = version }, names, suggestions);
    }

    public static ReferralDetails Map(Referral r, IReadOnlyDictionary<Guid, string> clinicianNames, SuggestionsView? suggestions)
    {
        string? Name(Guid? id) => id is { } v && clinicianNames.TryGetValue(v, out var name) ? name : null;

        return new ReferralDetails(
            r.Id, r.Version, r.Status, r.SubmittedAt, r.StatusSince, r.IntakeDate, r.AgeGroup, IntakeView.Of(r.Intake),
            r.Urgent, r.Priority,
            r.Risk?.Acknowledged ?? false,
            r.AwaitingRiskAcknowledgement,
            r.Risk is { } risk
                ? new RiskView(risk.Answer, risk.FlaggedAt, risk.Acknowledged, risk.AcknowledgedAt, risk.ActionTaken, risk.Note, risk.Escalated)
                : null,
            r.ClinicianId, Name(r.ClinicianId),
            r.Proposals.Select(p => new ProposalView(p.Id, p.Status, p.ClinicianId, Name(p.ClinicianId), p.ProposedAt,
                p.ExpiresAt, p.AnsweredAt, p.DeclineReason, p.Note, p.AnswerNote, p.OverrideReason)).ToList(),
            suggestions,
            r.ContactAttempts,
            r.FirstSession is { } s
                ? new FirstSessionView(s.Id, s.Status, s.ClinicianId, Name(s.ClinicianId), s.StartsAt, s.EndsAt,
                    s.DurationMinutes, s.Format, s.BookedAt, s.CancelledBy, s.Note)
                : null,
            r.Closure, r.WaitlistReason, r.RematchCount, r.PersonalDataErased, r.Partner);
    }

    [WolverineGet("/api/referrals/{referralId}"), Authorize(Policy = Policies.Coordination)]
    [ProducesResponseType<ReferralDetails>(200), ProducesResponseType<ProblemDetails>(404)]
    [NonTransactional]
    public static async Task<IResult> Get(Guid referralId, IDocumentSession session, CancellationToken cancellation)
    {
        if (await Load(session, referralId, cancellation) is not { } details) return Results.Problem(Problems.NotFound("referral"));
        // Fail closed: if the access can't be recorded, the personal data is not served.
        AccessLog.Record(session, referralId, AccessLog.ReferralDetail);
        await session.SaveChangesAsync(cancellation);
        return Results.Ok(details);
    }
}
