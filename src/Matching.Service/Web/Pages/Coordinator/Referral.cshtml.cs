using System.Globalization;
using Marten;
using Matching.Service.Audit;
using Matching.Service.Clinicians;
using Matching.Service.Infrastructure;
using Matching.Service.Matching;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Booking;
using Matching.Service.Referrals.Closing;
using Matching.Service.Referrals.ContactAttempts;
using Matching.Service.Referrals.GettingDetails;
using Matching.Service.Referrals.Proposing;
using Matching.Service.Referrals.RiskAcknowledging;
using Matching.Service.Referrals.Suggesting;
using Matching.Service.Referrals.Timeline;
using Matching.Service.Referrals.Triaging;
using Matching.Service.Referrals.Waitlisting;
using Matching.Service.Referrals.Withdrawing;
using Matching.Service.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Matching.Service.Web.Pages.Coordinator;

/// <summary>
/// One referral: the intake, the timeline, the latest suggestions and every lifecycle action as a
/// form. Each action runs its endpoint's Validate and Post through <see cref="PageCommands"/>; a
/// refusal re-renders the latest state with the message next to the field or at the top.
/// </summary>
public sealed class ReferralModel(
    IDocumentSession session, PageCommands commands, TimeProvider time, MatchingOptions options, MatchWeights weights) : AppPage
{
    public ReferralDetails Details { get; private set; } = null!;
    public ReferralTimeline? Timeline { get; private set; }
    public IReadOnlyList<Clinician> Directory { get; private set; } = [];
    public TimeZoneInfo Zone => options.TimeZone;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellation) =>
        await LoadAsync(id, cancellation) ? Page() : NotFound();

    /// <summary>The most a criterion can earn under the configured weights (rescaled to 100), for the bars' scale.</summary>
    public double MaxPoints(string criterion)
    {
        var total = weights.Specialty + weights.Modality + weights.Identity + weights.Availability + weights.Capacity;
        var weight = criterion switch
        {
            "specialty" => weights.Specialty, "modality" => weights.Modality, "identity" => weights.Identity,
            "availability" => weights.Availability, "capacity" => weights.Capacity, _ => total
        };
        return total <= 0 ? 100 : weight / total * 100;
    }

    public string Local(DateTimeOffset? at) => Time(at, Zone);

    public Task<IActionResult> OnPostAcknowledgeRiskAsync(Guid id, RiskAction? actionTaken, string? note, int? expectedVersion, CancellationToken c) =>
        RunAsync(id, "risk", "Risk acknowledged.", (referral, _, effects) =>
        {
            var command = new AcknowledgeRisk(actionTaken, note, expectedVersion);
            return Decide(AcknowledgeRiskEndpoint.Validate(command, referral), () => effects.Add(AcknowledgeRiskEndpoint.Post(command, referral).Item2));
        }, c);

    public Task<IActionResult> OnPostTriageAsync(Guid id, TriagePriority? priority, string? note, int? expectedVersion, CancellationToken c) =>
        RunAsync(id, "triage", "Referral triaged.", (referral, _, effects) =>
        {
            var command = new TriageReferral(priority, note, expectedVersion);
            return Decide(TriageReferralEndpoint.Validate(command, referral), () => effects.Add(TriageReferralEndpoint.Post(command, referral).Item2));
        }, c);

    public Task<IActionResult> OnPostSuggestAsync(Guid id, int? limit, int? expectedVersion, CancellationToken c) =>
        RunAsync(id, "suggest", "Suggestions updated.", async (referral, s, effects) =>
        {
            var command = new SuggestMatches(limit, expectedVersion);
            var problem = SuggestMatchesEndpoint.Validate(command, referral);
            if (!ReferenceEquals(problem, Problems.NoProblems)) return problem;
            var (_, events) = await SuggestMatchesEndpoint.Post(command, referral, s, weights, options, time, c);
            effects.Add(events);
            return Problems.NoProblems;
        }, c);

    public Task<IActionResult> OnPostProposeAsync(Guid id, Guid? clinicianId, string? note, string? overrideReason, int? expectedVersion,
        CancellationToken c) =>
        RunAsync(id, "propose", "Clinician proposed. They have been asked to answer.", async (referral, s, effects) =>
        {
            var command = new ProposeMatch(clinicianId, note, overrideReason, expectedVersion);
            var target = await ProposeMatchEndpoint.LoadAsync(command, s, time, c);
            var problem = ProposeMatchEndpoint.Validate(command, referral, target);
            if (!ReferenceEquals(problem, Problems.NoProblems)) return problem;
            var (_, events, messages) = ProposeMatchEndpoint.Post(command, referral, target!, time, options);
            effects.Add(events, messages);
            return Problems.NoProblems;
        }, c);

    public Task<IActionResult> OnPostWithdrawAsync(Guid id, Guid proposalId, string? reason, int? expectedVersion, CancellationToken c) =>
        RunAsync(id, "withdraw", "Proposal withdrawn.", (referral, _, effects) =>
        {
            var command = new WithdrawProposal(reason, expectedVersion);
            return Decide(WithdrawProposalEndpoint.Validate(command, referral, proposalId),
                () => effects.Add(WithdrawProposalEndpoint.Post(command, proposalId, referral).Item2));
        }, c);

    public Task<IActionResult> OnPostContactAsync(Guid id, ContactChannel? channel, ContactOutcome? outcome, string? note, int? expectedVersion,
        CancellationToken c) =>
        RunAsync(id, "contact", "Contact attempt recorded.", (referral, _, effects) =>
        {
            var command = new RecordContactAttempt(channel, outcome, note, expectedVersion);
            return Decide(RecordContactAttemptEndpoint.Validate(command, referral),
                () => effects.Add(RecordContactAttemptEndpoint.Post(command, referral).Item2));
        }, c);

    public Task<IActionResult> OnPostWaitlistAsync(Guid id, string? reason, int? expectedVersion, CancellationToken c) =>
        RunAsync(id, "waitlist", "Referral waitlisted.", (referral, _, effects) =>
        {
            var command = new WaitlistReferral(reason, expectedVersion);
            return Decide(WaitlistReferralEndpoint.Validate(command, referral), () =>
            {
                var (_, events, messages) = WaitlistReferralEndpoint.Post(command, referral, options);
                effects.Add(events, messages);
            });
        }, c);

    public Task<IActionResult> OnPostBookAsync(Guid id, string? startsAt, int? durationMinutes, SessionFormat? format, int? expectedVersion,
        CancellationToken c)
    {
        var start = PracticeInstant(startsAt);
        if (start is null && !string.IsNullOrWhiteSpace(startsAt)) Errors["startsAt"] = ["Choose the date and time of the session."];
        return RunAsync(id, "book", "First session booked. The client will be told.", (referral, s, effects) =>
        {
            var command = new BookFirstSession(start, durationMinutes, format, expectedVersion);
            return Decide(BookFirstSessionEndpoint.Validate(command, referral, time), () =>
            {
                var (_, events, messages) = BookFirstSessionEndpoint.Post(command, referral, s);
                effects.Add(events, messages);
            });
        }, c);
    }

    public Task<IActionResult> OnPostRescheduleAsync(Guid id, string? startsAt, int? expectedVersion, CancellationToken c) =>
        RunAsync(id, "reschedule", "First session rescheduled.", (referral, s, effects) =>
        {
            var command = new RescheduleFirstSession(PracticeInstant(startsAt), expectedVersion);
            return Decide(RescheduleFirstSessionEndpoint.Validate(command, referral, time),
                () => effects.Add(RescheduleFirstSessionEndpoint.Post(command, referral, s).Item2));
        }, c);

    public Task<IActionResult> OnPostCancelSessionAsync(Guid id, CancelledBy? by, string? reason, int? expectedVersion, CancellationToken c) =>
        RunAsync(id, "cancel", "First session cancelled.", (referral, s, effects) =>
        {
            var command = new CancelFirstSession(by, reason, expectedVersion);
            return Decide(CancelFirstSessionEndpoint.Validate(command, referral),
                () => effects.Add(CancelFirstSessionEndpoint.Post(command, referral, s).Item2));
        }, c);

    public Task<IActionResult> OnPostOutcomeAsync(Guid id, FirstSessionOutcome? outcome, string? note, int? expectedVersion, CancellationToken c) =>
        RunAsync(id, "outcome", "First session outcome recorded.", (referral, s, effects) =>
        {
            var command = new RecordFirstSessionOutcome(outcome, note, expectedVersion);
            return Decide(RecordFirstSessionOutcomeEndpoint.Validate(command, referral, time),
                () => effects.Add(RecordFirstSessionOutcomeEndpoint.Post(command, referral, s).Item2));
        }, c);

    public Task<IActionResult> OnPostCloseAsync(Guid id, ClosureOutcome? outcome, string? note, int? expectedVersion, CancellationToken c) =>
        RunAsync(id, "close", "Referral closed.", (referral, s, effects) =>
        {
            var command = new CloseReferral(outcome, note, expectedVersion);
            return Decide(CloseReferralEndpoint.Validate(command, referral),
                () => effects.Add(CloseReferralEndpoint.Post(command, referral, s).Item2));
        }, c);

    /// <summary>A datetime-local value ("2026-03-02T16:00") read as a wall-clock time in the practice's time zone.</summary>
    public DateTimeOffset? PracticeInstant(string? value)
    {
        if (!DateTime.TryParseExact(value, ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"], CultureInfo.InvariantCulture,
                DateTimeStyles.None, out var local))
            return null;
        // A time skipped by a daylight-saving change is read as the hour after it.
        if (Zone.IsInvalidTime(local)) local = local.AddHours(1);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }

    public string LocalInput(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, Zone).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    private static Task<Microsoft.AspNetCore.Mvc.ProblemDetails> Decide(Microsoft.AspNetCore.Mvc.ProblemDetails problem, Action append)
    {
        if (ReferenceEquals(problem, Problems.NoProblems)) append();
        return Task.FromResult(problem);
    }

    private async Task<IActionResult> RunAsync(Guid id, string action, string done, PageCommands.Step<Referral> step, CancellationToken cancellation)
    {
        if (Errors.Count == 0)
        {
            var outcome = await commands.RunAsync(id, step, cancellation);
            if (outcome.Succeeded)
            {
                Flash = done;
                return RedirectToPage(new { id });
            }
            Show(outcome.Problem!);
        }
        else
        {
            Show(Problems.Invalid(Errors.ToDictionary()));
        }
        FailedAction = action;
        return await LoadAsync(id, cancellation) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken cancellation)
    {
        if (await ReferralDetailsEndpoint.Load(session, id, cancellation) is not { } details) return false;
        Details = details;
        Timeline = await ReferralTimelineEndpoint.Load(session, id, cancellation);
        Directory = await session.Query<Clinician>().Where(c => !c.Offboarded).OrderBy(c => c.Profile.Name).ToListAsync(cancellation);
        // The page shows the client's details and the timeline: both reads are recorded, as the API records them.
        AccessLog.Record(session, id, AccessLog.ReferralDetail);
        AccessLog.Record(session, id, AccessLog.ReferralTimeline);
        await session.SaveChangesAsync(cancellation);
        return true;
    }
}
