using Matching.Service.Infrastructure;

namespace Matching.Service.Referrals.Queue;

/// <summary>What a coordinator should do next on a referral.</summary>
public enum NextAction
{
    AcknowledgeRisk,
    ContactClient,
    Triage,
    ProposeClinician,
    AwaitClinicianResponse,
    BookFirstSession,
    RecordOutcome,
    WaitlistCheckIn
}

/// <summary>The next action on a referral and when it falls due; no action once closed.</summary>
public sealed record NextStep(NextAction? Action, DateTimeOffset? DueAt)
{
    public static readonly NextStep None = new(null, null);

    /// <summary>Overdue once the clock has passed the due time; the clock, not an event, flips it.</summary>
    public bool IsOverdueAt(DateTimeOffset now) => DueAt is { } due && now > due;
}

/// <summary>
/// The service levels of product.md as one pure function of a queue item and the settings.
/// The clock is not an input: the next step only changes with events, overdue only with time.
/// </summary>
public static class ServiceLevels
{
    public static NextStep Next(ReferralQueueItem item, MatchingOptions options)
    {
        if (item.Status == ReferralStatus.Closed) return NextStep.None;

        if (item.AwaitingRiskAcknowledgement)
            return new(NextAction.AcknowledgeRisk, item.RiskFlaggedAt!.Value + options.RiskAcknowledgementWindow);

        var contacted = item.LastContactAt is not null;
        var firstContactDue = FirstContactDue(item, options);

        // Triage is one click that decides how fast everything else must go, so it leads while the referral waits for it;
        // it falls due with the first contact, whose service level keeps running underneath.
        if (item.Status == ReferralStatus.AwaitingTriage) return new(NextAction.Triage, firstContactDue);

        // Reaching an urgent client comes before anything else except a booked session.
        if (item.Urgent && !contacted && item.Status != ReferralStatus.Booked) return new(NextAction.ContactClient, firstContactDue);

        if (!contacted && item.Status == ReferralStatus.AwaitingMatch) return new(NextAction.ContactClient, firstContactDue);

        return item.Status switch
        {
            ReferralStatus.AwaitingMatch => new(NextAction.ProposeClinician, AfterIntake(item, options.FirstSessionBusinessDays, options)),
            ReferralStatus.Proposed => new(NextAction.AwaitClinicianResponse, item.ProposalExpiresAt),
            ReferralStatus.Accepted => new(NextAction.BookFirstSession, AfterIntake(item, options.FirstSessionBusinessDays, options)),
            ReferralStatus.Booked => new(NextAction.RecordOutcome,
                item.FirstSessionStartsAt?.AddMinutes(item.FirstSessionDurationMinutes ?? 0)),
            ReferralStatus.Waitlisted => new(NextAction.WaitlistCheckIn, LastCheckIn(item) + options.WaitlistCheckInInterval),
            _ => NextStep.None
        };
    }

    /// <summary>Next step and whether it is overdue at <paramref name="now"/>.</summary>
    public static (NextStep Step, bool Overdue) Evaluate(ReferralQueueItem item, MatchingOptions options, DateTimeOffset now)
    {
        var step = Next(item, options);
        return (step, step.IsOverdueAt(now));
    }

    // A contact attempt while waitlisted counts as the check-in; the next one is due an interval later.
    private static DateTimeOffset LastCheckIn(ReferralQueueItem item)
    {
        var since = item.WaitlistedAt ?? item.StatusSince;
        return item.LastContactAt is { } contact && contact > since ? contact : since;
    }

    /// <summary>Urgent: within the urgent window from when it became urgent; routine: business days after intake.</summary>
    private static DateTimeOffset FirstContactDue(ReferralQueueItem item, MatchingOptions options) =>
        item.Urgent
            ? (item.UrgentSince ?? item.SubmittedAt) + options.UrgentContactWindow
            : AfterIntake(item, options.FirstContactBusinessDays, options);

    private static DateTimeOffset AfterIntake(ReferralQueueItem item, int businessDays, MatchingOptions options) =>
        AddBusinessDays(item.SubmittedAt, businessDays, options.TimeZone);

    /// <summary>
    /// The same local time <paramref name="days"/> business days (Monday to Friday, in the practice's
    /// time zone) later. An instant on a weekend starts counting from the following Monday at midnight,
    /// so a Saturday intake is due one business day later at the end of Monday.
    /// </summary>
    public static DateTimeOffset AddBusinessDays(DateTimeOffset start, int days, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(start, zone).DateTime;
        if (IsWeekend(local))
        {
            local = local.Date;
            while (IsWeekend(local)) local = local.AddDays(1);
        }

        for (var added = 0; added < days;)
        {
            local = local.AddDays(1);
            if (!IsWeekend(local)) added++;
        }

        // A local time skipped by a daylight-saving change becomes the first valid time after it.
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(30);
        var utc = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone);
        return new DateTimeOffset(utc).ToOffset(zone.GetUtcOffset(utc));
    }

    private static bool IsWeekend(DateTime date) => date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
}
