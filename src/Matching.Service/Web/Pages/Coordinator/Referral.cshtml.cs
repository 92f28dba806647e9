using System.Globalization;
using Marten;
using Matching.Service.Audit;
using Matching.Service.Clinicians;
using Matching.Service.Infrastructure;
using Matching.Service.Matching;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Booking;
using Matching.Service.Referrals.ClientLink;
using Matching.Service.Referrals.Closing;
using Matching.Service.Referrals.ContactAttempts;
using Matching.Service.Referrals.GettingDetails;
using Matching.Service.Referrals.Proposing;
using Matching.Service.Referrals.Queue;
using Matching.Service.Referrals.RiskAcknowledging;
using Matching.Service.Referrals.Suggesting;
using Matching.Service.Referrals.Timeline;
using Matching.Service.Referrals.Triaging;
using Matching.Service.Referrals.Waitlisting;
using Matching.Service.Referrals.Withdrawing;
using Matching.Service.Shared;
using Microsoft.AspNetCore.Mvc;
using Wolverine;

namespace Matching.Service.Web.Pages.Coordinator;

/// <summary>
/// One referral: the intake, the timeline, the latest suggestions and every lifecycle action as a
/// form. Each action sends its command to the command's handler, the one the API's route invokes; a
/// refusal re-renders the latest state with the message next to the field or at the top.
/// </summary>
public sealed class ReferralModel(
    IDocumentSession session, IMessageBus bus, MatchingOptions options, MatchWeights weights, TimeProvider time) : AppPage
{
    public ReferralDetails Details { get; private set; } = null!;
    public ReferralTimeline? Timeline { get; private set; }
    public IReadOnlyList<Clinician> Directory { get; private set; } = [];
    public TimeZoneInfo Zone => options.TimeZone;
    public DateTimeOffset Now { get; private set; }

    /// <summary>The referral as its commands see it: what each action's own check allows is read from it.</summary>
    public Referral State { get; private set; } = null!;

    /// <summary>The queue's next step for this referral, by the same rule (<see cref="ServiceLevels"/>) and the same clock.</summary>
    public NextStep Step { get; private set; } = NextStep.None;

    /// <summary>The clinician who accepted, while the first session is to be booked or moved: their week and formats.</summary>
    public Clinician? SessionClinician { get; private set; }

    /// <summary>That clinician's first sessions already booked over the next two weeks, so a new one goes in a free time.</summary>
    public IReadOnlyList<ReferralQueueItem> ClinicianBookings { get; private set; } = [];

    /// <summary>That clinician's next open slots (<see cref="OpenSlots"/>): quick picks that book inside their hours.</summary>
    public IReadOnlyList<OpenSlot> Slots { get; private set; } = [];

    /// <summary>How many open slots the booking forms offer.</summary>
    public const int QuickPicks = 8;

    /// <summary>A refused booking or move as it was sent, filled in again so nothing is typed twice.</summary>
    public string? SentStartsAt { get; private set; }
    public string? SentOverrideReason { get; private set; }
    public SessionFormat? SentFormat { get; private set; }

    /// <summary>While a match can be proposed: every clinician judged by the filters now, eligible first in rank order.</summary>
    public IReadOnlyList<ClinicianEligibility> Eligibility { get; private set; } = [];

    /// <summary>A refused proposal as it was sent, filled in again so nothing is typed twice.</summary>
    public Guid? ProposedClinicianId { get; private set; }
    public string? ProposedNote { get; private set; }
    public string? ProposedOverrideReason { get; private set; }

    public MatchWeights Weights => weights;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellation) =>
        await LoadAsync(id, cancellation) ? Page() : NotFound();

    /// <summary>
    /// The most a criterion can earn under the configured weights (rescaled to 100), for "28 of 35"; null for what the
    /// engine reports outside the weights (payment, language: filters, worth no points).
    /// </summary>
    public double? MaxPoints(string criterion)
    {
        var total = weights.Specialty + weights.Modality + weights.Identity + weights.Availability + weights.Capacity;
        double? weight = criterion switch
        {
            "specialty" => weights.Specialty, "modality" => weights.Modality, "identity" => weights.Identity,
            "availability" => weights.Availability, "capacity" => weights.Capacity, _ => null
        };
        return weight is null ? null : total <= 0 ? 0 : weight / total * 100;
    }

    public string Local(DateTimeOffset? at) => Time(at, Zone);

    /// <summary>"Wed 9 Dec 10:00 MST": a time shown alone, in the practice's zone.</summary>
    public string Moment(DateTimeOffset at) => PracticeTime.Moment(at, Zone, TimeZoneInfo.ConvertTime(Now, Zone).Year);

    /// <summary>
    /// Why the referral's state refuses an action, in a few words for the page, or null when it is allowed. The answer comes
    /// from the check the command's handler runs (its <c>Allowed</c>), so the page never offers what the handler would refuse.
    /// </summary>
    public string? Refusal(ProblemDetails allowed) =>
        ReferenceEquals(allowed, Problems.NoProblems) ? null
        : allowed.Extensions.TryGetValue("code", out var code) && code?.ToString() is { } c ? c switch
        {
            "riskNotAcknowledged" => "Acknowledge the risk first.",
            "sessionNotStarted" when State.FirstSession is { } s => $"Available after the session starts, {Moment(s.StartsAt)}.",
            _ => allowed.Detail
        }
        : allowed.Detail;

    public string? TriageRefusal => Refusal(TriageReferralHandler.Allowed(State));
    public string? OutcomeRefusal => Refusal(RecordFirstSessionOutcomeHandler.Allowed(State, Now));
    public bool CanAcknowledgeRisk => Refusal(AcknowledgeRiskHandler.Allowed(State)) is null;
    public bool CanWaitlist => Refusal(WaitlistReferralHandler.Allowed(State)) is null;
    public bool CanBook => Refusal(BookFirstSessionHandler.Allowed(State)) is null;
    public bool CanChangeSession => Refusal(RescheduleFirstSessionHandler.Allowed(State)) is null
                                    && Refusal(CancelFirstSessionHandler.Allowed(State)) is null;
    public bool CanContact => Refusal(RecordContactAttemptHandler.Allowed(State)) is null;
    public bool CanClose => Refusal(CloseReferralHandler.Allowed(State)) is null;
    public bool CanGiveClientLink => Refusal(IssueClientLinkHandler.Allowed(State)) is null;

    /// <summary>The link just issued, shown on this answer only: the service keeps nothing it could show again.</summary>
    public ClientLinkAnswer? NewClientLink { get; private set; }

    /// <summary>The client's link that still works, and until when (a newer one replaces the others).</summary>
    public DateTimeOffset? ClientLinkExpiresAt => State.ClientLinks.Where(l => l.ExpiresAt > Now).Select(l => (DateTimeOffset?)l.ExpiresAt).Max();

    /// <summary>Where the referral stands, in words: "Booked with Rafael Castillo · Wed 9 Dec 10:00 MST".</summary>
    public string Standing => Details switch
    {
        { Status: ReferralStatus.Booked, FirstSession: { } s } => $"Booked with {s.ClinicianName} · {Moment(s.StartsAt)}",
        { Status: ReferralStatus.Proposed } d when d.Proposals.LastOrDefault(p => p.Status == ProposalStatus.Pending) is { } p =>
            $"Proposed to {p.ClinicianName} · answer due {Moment(p.ExpiresAt)}",
        { Status: ReferralStatus.Accepted } d => $"Accepted by {d.ClinicianName} · first session to book",
        { Status: ReferralStatus.Closed, Closure: { } c } => $"Closed: {Words.Of(c.Outcome)} · {Moment(c.At)}",
        // The client's wait counts from the intake, whatever happened since.
        var d => $"{Display.Of(d.Status)} · waiting {PracticeTime.Span(Now - d.SubmittedAt)}"
    };

    /// <summary>The client's wishes about their clinician, or "No preference" when they stated none.</summary>
    public string ClinicianPreferences
    {
        get
        {
            var wishes = Details.Intake.ClinicianPreferences;
            var parts = new List<string>();
            if (wishes?.Gender is { } gender) parts.Add(Display.Of(gender));
            if (wishes?.LgbtqAffirming == true) parts.Add("LGBTQ+-affirming");
            if (wishes?.BipocAffirming == true) parts.Add("BIPOC-affirming");
            return parts.Count == 0 ? "No preference" : string.Join(", ", parts);
        }
    }

    /// <summary>
    /// The format to pre-select when booking: the one the client asked for, or when they take either, the clinician's only one.
    /// </summary>
    public static SessionFormat? LikelyFormat(FormatPreference client, IReadOnlyList<SessionFormat>? clinician) => client switch
    {
        FormatPreference.InPerson => SessionFormat.InPerson,
        FormatPreference.Telehealth => SessionFormat.Telehealth,
        _ => clinician is [var only] ? only : null
    };

    public Task<IActionResult> OnPostAcknowledgeRiskAsync(Guid id, RiskAction? actionTaken, string? note, int? expectedVersion, CancellationToken c) =>
        RunAsync(id, "risk", "Risk acknowledged.", new AcknowledgeRisk(actionTaken, note, expectedVersion) { ReferralId = id }, c);

    public Task<IActionResult> OnPostTriageAsync(Guid id, TriagePriority? priority, string? note, int? expectedVersion, CancellationToken c) =>
        RunAsync(id, "triage", "Referral triaged.", new TriageReferral(priority, note, expectedVersion) { ReferralId = id }, c);

    public Task<IActionResult> OnPostSuggestAsync(Guid id, int? limit, int? expectedVersion, CancellationToken c) =>
        RunAsync(id, "suggest", "Suggestions updated.", new SuggestMatches(limit, expectedVersion) { ReferralId = id }, c);

    public Task<IActionResult> OnPostProposeAsync(Guid id, Guid? clinicianId, string? note, string? overrideReason, int? expectedVersion,
        CancellationToken c)
    {
        (ProposedClinicianId, ProposedNote, ProposedOverrideReason) = (clinicianId, note, overrideReason);
        return RunAsync(id, "propose", "Clinician proposed. They have been asked to answer.",
            new ProposeMatch(clinicianId, note, overrideReason, expectedVersion) { ReferralId = id }, c, OverrideAsked);
    }

    /// <summary>The API's 409 for an excluded clinician without a reason, as a message on the override field.</summary>
    private static ProblemDetails OverrideAsked(ProblemDetails problem) =>
        problem.Extensions.TryGetValue("code", out var code) && code?.ToString() == "excludedByFilters"
            ? Problems.Invalid("overrideReason", "The filters exclude this clinician: say why you are proposing them anyway.")
            : problem;

    public Task<IActionResult> OnPostWithdrawAsync(Guid id, Guid proposalId, string? reason, int? expectedVersion, CancellationToken c) =>
        RunAsync(id, "withdraw", "Proposal withdrawn.",
            new WithdrawProposal(reason, expectedVersion) { ReferralId = id, ProposalId = proposalId }, c);

    public Task<IActionResult> OnPostContactAsync(Guid id, ContactChannel? channel, ContactOutcome? outcome, string? note, int? expectedVersion,
        CancellationToken c) =>
        RunAsync(id, "contact", "Contact attempt recorded.", new RecordContactAttempt(channel, outcome, note, expectedVersion) { ReferralId = id }, c);

    public Task<IActionResult> OnPostWaitlistAsync(Guid id, string? reason, int? expectedVersion, CancellationToken c) =>
        RunAsync(id, "waitlist", "Referral waitlisted.", new WaitlistReferral(reason, expectedVersion) { ReferralId = id }, c);

    /// <param name="slot">An open time picked from the quick picks: it wins over the typed time (the script clears it when one is typed).</param>
    public Task<IActionResult> OnPostBookAsync(Guid id, string? startsAt, string? slot, int? durationMinutes, SessionFormat? format,
        string? overrideReason, int? expectedVersion, CancellationToken c)
    {
        var start = SentStart(startsAt, slot, overrideReason);
        SentFormat = format;
        return RunAsync(id, "book", "First session booked. The client will be told.",
            new BookFirstSession(start, durationMinutes, format, expectedVersion, overrideReason) { ReferralId = id }, c, OutsideHoursAsked);
    }

    public Task<IActionResult> OnPostRescheduleAsync(Guid id, string? startsAt, string? slot, string? overrideReason, int? expectedVersion,
        CancellationToken c)
    {
        var start = SentStart(startsAt, slot, overrideReason);
        return RunAsync(id, "reschedule", "First session rescheduled.",
            new RescheduleFirstSession(start, expectedVersion, overrideReason) { ReferralId = id }, c, OutsideHoursAsked);
    }

    private DateTimeOffset? SentStart(string? startsAt, string? slot, string? overrideReason)
    {
        var chosen = string.IsNullOrWhiteSpace(slot) ? startsAt : slot;
        (SentStartsAt, SentOverrideReason) = (chosen, overrideReason);
        var start = PracticeInstant(chosen);
        if (start is null && !string.IsNullOrWhiteSpace(chosen)) Errors["startsAt"] = ["Choose the date and time of the session."];
        return start;
    }

    /// <summary>The API's 409 for a time outside the clinician's hours without a reason, as a message on the reason field.</summary>
    private static ProblemDetails OutsideHoursAsked(ProblemDetails problem) =>
        problem.Extensions.TryGetValue("code", out var code) && code?.ToString() == "outsideAvailability"
            ? Problems.Invalid("overrideReason",
                "This time is outside the clinician's weekly hours: pick one of their open times, or say why you are booking it anyway.")
            : problem;

    public Task<IActionResult> OnPostCancelSessionAsync(Guid id, CancelledBy? by, string? reason, int? expectedVersion, CancellationToken c) =>
        RunAsync(id, "cancel", "First session cancelled.", new CancelFirstSession(by, reason, expectedVersion) { ReferralId = id }, c);

    public Task<IActionResult> OnPostOutcomeAsync(Guid id, FirstSessionOutcome? outcome, string? note, int? expectedVersion, CancellationToken c) =>
        RunAsync(id, "outcome", "First session outcome recorded.",
            new RecordFirstSessionOutcome(outcome, note, expectedVersion) { ReferralId = id }, c);

    public Task<IActionResult> OnPostCloseAsync(Guid id, ClosureOutcome? outcome, string? note, int? expectedVersion, CancellationToken c) =>
        RunAsync(id, "close", "Referral closed.", new CloseReferral(outcome, note, expectedVersion) { ReferralId = id }, c);

    /// <summary>
    /// A new link for the client, shown in this answer rather than after a redirect, so it is never kept in a cookie; the
    /// answer is not cached. Earlier links stop working.
    /// </summary>
    public async Task<IActionResult> OnPostClientLinkAsync(Guid id, CancellationToken c)
    {
        var answer = await AnswerAsync(bus, new IssueClientLink { ReferralId = id }, c);
        if (answer.Problem is { } problem)
        {
            Show(problem);
            FailedAction = "client-link";
        }
        NewClientLink = answer.Result;
        Response.Headers.CacheControl = "no-store";
        return await LoadAsync(id, c) ? Page() : NotFound();
    }

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

    private async Task<IActionResult> RunAsync<TResult>(Guid id, string action, string done, ICommand<TResult> command,
        CancellationToken cancellation, Func<ProblemDetails, ProblemDetails>? refine = null) where TResult : class, IAnswer
    {
        var problem = Errors.Count == 0 ? await SendAsync(bus, command, cancellation) : Problems.Invalid(Errors.ToDictionary());
        if (problem is not null && refine is not null) problem = refine(problem);
        if (problem is null)
        {
            Flash = done;
            return RedirectToPage(new { id });
        }
        Show(problem);
        FailedAction = action;
        return await LoadAsync(id, cancellation) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken cancellation)
    {
        if (await ReferralDetailsEndpoint.Load(session, id, cancellation) is not { } details) return false;
        if (await session.LoadAsync<Referral>(id, cancellation) is not { } state) return false;
        Details = details;
        State = state;
        Now = time.GetUtcNow();
        if (await session.LoadAsync<ReferralQueueItem>(id, cancellation) is { } row) Step = ServiceLevels.Next(row, options);

        var clinicians = await session.Query<Clinician>().ToListAsync(cancellation);
        Directory = clinicians.Where(c => !c.Offboarded).OrderBy(c => c.Profile.Name).ToList();
        var names = clinicians.ToDictionary(c => c.Id, c => c.Profile.Name);
        Timeline = await ReferralTimelineEndpoint.Read(session, id,
            e => EventSummaries.Readable(e, Zone, clinician => names.GetValueOrDefault(clinician)), cancellation);

        if (state is { Status: ReferralStatus.Accepted or ReferralStatus.Booked, AcceptedProposal: { } accepted })
        {
            SessionClinician = clinicians.FirstOrDefault(c => c.Id == accepted.ClinicianId);
            var (from, to) = (Now.AddDays(-1), Now.AddDays(14));
            ClinicianBookings = await session.Query<ReferralQueueItem>()
                .Where(q => q.ClinicianId == accepted.ClinicianId && q.Status == ReferralStatus.Booked && q.Id != id
                            && q.FirstSessionStartsAt >= from && q.FirstSessionStartsAt <= to)
                .OrderBy(q => q.FirstSessionStartsAt)
                .ToListAsync(cancellation);
            if (SessionClinician is not null)
            {
                var booked = await OpenSlots.BookedAsync(session, accepted.ClinicianId, Now, id, cancellation);
                Slots = OpenSlots.Compute(ClinicianHours.Of(SessionClinician), state.Intake.Format, booked, Now, options.MinimumBookingNotice)
                    .Take(QuickPicks).ToList();
            }
        }
        await LoadEligibilityAsync(state, cancellation);
        // The page shows the client's details and the timeline: both reads are recorded, as the API records them.
        AccessLog.Record(session, id, AccessLog.ReferralDetail);
        AccessLog.Record(session, id, AccessLog.ReferralTimeline);
        await session.SaveChangesAsync(cancellation);
        return true;
    }

    /// <summary>
    /// Judged now from the current directory and workloads (not from the last run, which may be older), as the
    /// proposal itself will be judged; only where a proposal can follow.
    /// </summary>
    private async Task LoadEligibilityAsync(Referral referral, CancellationToken cancellation)
    {
        if (!SuggestMatchesHandler.AllowedFrom.Contains(Details.Status)) return;
        var candidates = await SuggestMatchesHandler.CandidatesAsync(session, Directory, time.GetUtcNow(), cancellation);
        Eligibility = Matching.Eligibility.Of(ClientNeeds.From(referral, Zone), candidates, weights);
    }
}
