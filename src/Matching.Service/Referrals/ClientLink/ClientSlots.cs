using Marten;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals.Booking;
using Matching.Service.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Wolverine;
using Wolverine.Http;

namespace Matching.Service.Referrals.ClientLink;

/// <summary>The times a client may choose on their link, and the practice's zone they are shown in.</summary>
public sealed record ClientSlotsView(string TimeZone, IReadOnlyList<OpenSlot> Slots);

/// <summary>
/// The open times the link offers (docs/adr/0033-self-booking-from-the-client-link.md): once a clinician has accepted, that
/// clinician's open slots in the first session's length; while a session is booked, the times it could move to. The GET,
/// the booking and moving handlers and the page read them here, so a time is bookable exactly when it is offered.
/// </summary>
public static class ClientSlots
{
    public const string ChooseOne = "Choose one of the open times (its startsAt, an ISO-8601 time with offset).";

    /// <summary>The offered times now, or null while no clinician has accepted (nothing to choose from yet).</summary>
    public static async Task<IReadOnlyList<OpenSlot>?> ReadAsync(
        IQuerySession session, Referral referral, MatchingOptions options, DateTimeOffset now, CancellationToken cancellation)
    {
        (Guid? ClinicianId, int Duration, DateTimeOffset? Current) choice = referral switch
        {
            { Status: ReferralStatus.Booked, FirstSession: { Status: FirstSessionStatus.Booked } own } =>
                (own.ClinicianId, own.DurationMinutes, own.StartsAt),
            { Status: ReferralStatus.Accepted, AcceptedProposal: { } accepted } => (accepted.ClinicianId, BookFirstSession.DefaultDurationMinutes, null),
            _ => (null, 0, null)
        };
        var (clinicianId, duration, current) = choice;
        if (await OpenSlots.HoursAsync(session, clinicianId, cancellation) is not { } hours) return null;
        // The client's own session doesn't block its move; its current time is no time to move to.
        var booked = await OpenSlots.BookedAsync(session, clinicianId!.Value, now, referral.Id, cancellation);
        return OpenSlots.Compute(hours, referral.Intake.Format, booked, now, options.MinimumBookingNotice, duration)
            .Where(s => s.StartsAt != current).ToList();
    }

    /// <summary>409 while no clinician has accepted: the link shows times only then.</summary>
    public static ProblemDetails NoClinicianYet() => Conflict(
        "Not yet.", "Once a clinician says yes, their open times appear here for you to choose from.", "noClinicianYet");

    /// <summary>Whether <paramref name="startsAt"/> is one of the offered times: 409 slotUnavailable with the times still open if not.</summary>
    public static ProblemDetails Offered(IReadOnlyList<OpenSlot> slots, DateTimeOffset startsAt) =>
        slots.Any(s => s.StartsAt == startsAt) ? Problems.NoProblems : Unavailable(slots);

    /// <summary>The format must be one both the client and the clinician accept at that time.</summary>
    public static ProblemDetails OfferedIn(IReadOnlyList<OpenSlot> slots, DateTimeOffset startsAt, SessionFormat format) =>
        slots.FirstOrDefault(s => s.StartsAt == startsAt) is { } slot && !slot.Formats.Contains(format)
            ? Conflict("That format isn't offered.", $"This time is offered {string.Join(" or ", slot.Formats.Select(Way))}.", "formatNotAccepted")
            : Problems.NoProblems;

    /// <summary>How a session is held, as the client reads it: "by video", "in person".</summary>
    public static string Way(SessionFormat format) => format == SessionFormat.Telehealth ? "by video" : "in person";

    /// <summary>
    /// The time was taken (by another client or a coordinator) or never offered: the answer carries the times still open,
    /// so the client can choose again at once.
    /// </summary>
    public static ProblemDetails Unavailable(IReadOnlyList<OpenSlot> slots)
    {
        var problem = Conflict("That time is no longer open.", "That time was just taken. Here are the times still open.", "slotUnavailable");
        problem.Extensions["slots"] = slots;
        return problem;
    }

    /// <summary>
    /// The client may move or cancel until <see cref="MatchingOptions.ClientChangeCutoff"/> before the start; after it,
    /// a person at the practice helps (they may know something a form doesn't).
    /// </summary>
    public static ProblemDetails BeforeCutoff(FirstSession session, DateTimeOffset now, MatchingOptions options) =>
        options.ClientMayChange(session.StartsAt, now)
            ? Problems.NoProblems
            : Conflict("It's too close to your session to change it here.",
                $"Sessions can be moved or cancelled here until {Words.Duration(options.ClientChangeCutoff)} before they start. "
                + $"Please {PracticeContact(options)} and we'll help you.", "tooLateToChange");

    /// <summary>"call us at …" / "email us at …", as far as the practice has configured it.</summary>
    public static string PracticeContact(MatchingOptions options) => (options.PracticePhone, options.PracticeEmail) switch
    {
        ({ } phone, { } email) => $"call us at {phone} or email {email}",
        ({ } phone, null) => $"call us at {phone}",
        (null, { } email) => $"email us at {email}",
        _ => "call or email the practice"
    };

    /// <summary>
    /// Sends a link's command to its handler. A write that lost the race for the time to another booking (the slot table's
    /// exclusion constraint refused it at commit) answers 409 slotUnavailable with the times open now, like a time not offered.
    /// </summary>
    public static async Task<Answer<TResult>> SendAsync<TResult>(
        IMessageBus bus, ICommand<TResult> command, Referral referral, IDocumentStore store, MatchingOptions options, TimeProvider time,
        CancellationToken cancellation) where TResult : class, IAnswer
    {
        try
        {
            return await bus.AskAsync(command, cancellation);
        }
        catch (Exception e) when (DatabaseFailures.Classify(e) == DatabaseFailure.Overlap)
        {
            await using var session = store.QuerySession();
            var fresh = await session.LoadAsync<Referral>(referral.Id, cancellation) ?? referral;
            return new Answer<TResult>(null, Unavailable(await ReadAsync(session, fresh, options, time.GetUtcNow(), cancellation) ?? []));
        }
    }

    private static ProblemDetails Conflict(string title, string detail, string code)
    {
        var problem = Problems.Conflict(detail, code);
        problem.Title = title;
        return problem;
    }
}

public static class ClientSlotsEndpoint
{
    /// <summary>The times the client may choose now; <c>from</c>/<c>to</c> (dates in the practice's zone, both included) narrow them.</summary>
    [WolverineGet("/api/client/{token}/slots"), AllowAnonymous, EnableRateLimiting(ClientLinks.RateLimitPolicy)]
    [ProducesResponseType<ClientSlotsView>(200), ProducesResponseType<ProblemDetails>(400), ProducesResponseType<ProblemDetails>(404),
     ProducesResponseType<ProblemDetails>(409)]
    public static async Task<IResult> Get(
        string token, string? from, string? to, HttpContext context, IQuerySession session, MatchingOptions options, TimeProvider time,
        CancellationToken cancellation)
    {
        if (ClientLinks.Visit(context) is not { } visit) return Results.Problem(ClientLinks.NotFound);
        var now = time.GetUtcNow();
        if (Range(from, to, options.TimeZone, now) is var (start, end, problem) && problem is not null) return Results.Problem(problem);
        if (await ClientSlots.ReadAsync(session, visit.Referral, options, now, cancellation) is not { } slots)
            return Results.Problem(ClientSlots.NoClinicianYet());
        return Results.Ok(new ClientSlotsView(options.PracticeTimeZone,
            slots.Where(s => (start is null || s.StartsAt >= start) && (end is null || s.StartsAt < end)).ToList()));
    }

    /// <summary>
    /// Dates in the practice's zone, both days included. A year either way is more than any slot could be: further is a
    /// mistake, answered 400 rather than an empty list.
    /// </summary>
    public static (DateTimeOffset? From, DateTimeOffset? To, ProblemDetails? Problem) Range(string? from, string? to, TimeZoneInfo zone, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        var today = DateOnly.FromDateTime(PracticeTime.Local(now, zone).DateTime);
        var first = Day(from, "from", today, errors);
        var last = Day(to, "to", today, errors);
        if (errors.Count == 0 && first is not null && last < first) errors["to"] = ["'to' can't be before 'from'."];
        return errors.Count > 0 ? (null, null, Problems.Invalid(errors)) : (Start(first), Start(last?.AddDays(1)), null);

        DateTimeOffset? Start(DateOnly? day) => day is { } d ? PracticeTime.StartOfDay(d, zone) : null;
    }

    private static DateOnly? Day(string? raw, string name, DateOnly today, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        if (QueryDates.TryParse(raw, out var day) && day >= today.AddYears(-1) && day <= today.AddYears(1)) return day;
        errors[name] = ["Give a date (YYYY-MM-DD) within a year of today."];
        return null;
    }
}
