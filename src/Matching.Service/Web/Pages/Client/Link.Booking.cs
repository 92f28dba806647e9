using System.Globalization;
using Marten;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Booking;
using Matching.Service.Referrals.ClientLink;
using Matching.Service.Shared;
using Microsoft.AspNetCore.Mvc;
using Wolverine;

namespace Matching.Service.Web.Pages.Client;

/// <summary>A time the client picked, waiting for their confirmation: what exactly will be booked, or what the session moves to.</summary>
public sealed record ChosenTime(OpenSlot Slot, SessionFormat Format, bool Moving);

/// <summary>
/// Self-booking on the client's page: the accepted clinician's open times grouped by day, a confirm step that says exactly
/// what will be booked, then moving or cancelling until the cutoff. Plain forms: every step works without JavaScript. Each
/// command goes to the same handler as the link's API routes.
/// </summary>
public sealed partial class LinkModel
{
    public const string TakenMessage = "That time was just taken. Here are the times still open.";

    private IReadOnlyList<OpenSlot>? _slots;
    private bool _slotsRead;

    /// <summary>Why the last booking step was refused, shown above the times (and focused).</summary>
    public string? BookingProblem { get; private set; }

    /// <summary>The format the client last asked for, kept checked when they choose again.</summary>
    public SessionFormat? AskedFormat { get; private set; }

    /// <summary>The time waiting for confirmation, if the client has just picked one.</summary>
    public ChosenTime? Chosen { get; private set; }

    /// <summary>The times the link offers now (null before a clinician accepts), read once per request with the API's code.</summary>
    public async Task<IReadOnlyList<OpenSlot>?> OpenSlotsAsync()
    {
        if (_slotsRead || Visit is null) return _slots;
        var session = HttpContext.RequestServices.GetRequiredService<IQuerySession>();
        var now = time.GetUtcNow();
        // The referral as it is now: the request's own command may have just changed it.
        var referral = await session.LoadAsync<Referral>(Visit.Referral.Id, HttpContext.RequestAborted) ?? Visit.Referral;
        _slots = await ClientSlots.ReadAsync(session, referral, Practice, now, HttpContext.RequestAborted);
        _slotsRead = true;
        return _slots;
    }

    /// <summary>The times by day in the practice's zone, in order.</summary>
    public static IEnumerable<IGrouping<DateOnly, OpenSlot>> ByDay(IEnumerable<OpenSlot> slots, TimeZoneInfo zone) =>
        slots.GroupBy(s => DateOnly.FromDateTime(PracticeTime.Local(s.StartsAt, zone).DateTime));

    /// <summary>"Monday 14 December".</summary>
    public static string Day(DateOnly day) => day.ToString("dddd d MMMM", CultureInfo.InvariantCulture);

    /// <summary>"10:00 MST".</summary>
    public string Clock(DateTimeOffset at) =>
        $"{PracticeTime.Local(at, Practice.TimeZone).ToString("HH:mm", CultureInfo.InvariantCulture)} {PracticeTime.Abbreviation(at, Practice.TimeZone)}";

    /// <summary>"Monday 14 December, 10:00–10:50 MST".</summary>
    public string Span(DateTimeOffset startsAt, int minutes) =>
        $"{Day(DateOnly.FromDateTime(PracticeTime.Local(startsAt, Practice.TimeZone).DateTime))}, "
        + $"{PracticeTime.Local(startsAt, Practice.TimeZone).ToString("HH:mm", CultureInfo.InvariantCulture)}–{Clock(startsAt.AddMinutes(minutes))}";

    /// <summary>The value a time's radio button carries: the instant with the practice's offset.</summary>
    public string Value(DateTimeOffset at) => PracticeTime.Iso(at, Practice.TimeZone);

    /// <summary>Until when the client may still move or cancel the session here.</summary>
    public DateTimeOffset ChangeableUntil(DateTimeOffset startsAt) => Practice.ClientChangeableUntil(startsAt);

    public bool Changeable(DateTimeOffset startsAt) =>
        Practice.ClientMayChange(startsAt, time.GetUtcNow());

    /// <summary>The first step: the picked time and format, read back for confirmation (nothing is booked yet).</summary>
    public async Task<IActionResult> OnPostChooseAsync(string? startsAt, SessionFormat? format, bool moving, CancellationToken cancellation)
    {
        var shown = await ShowAsync(cancellation);
        AskedFormat = format;
        if (Visit is null) return shown;
        var slots = await OpenSlotsAsync() ?? [];
        if (!DateTimeOffset.TryParse(startsAt, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            BookingProblem = "Please choose one of the times below.";
        else if (slots.FirstOrDefault(s => s.StartsAt == at) is not { } slot)
            BookingProblem = TakenMessage;
        else if (moving && Status?.FirstSession is { } current)
            Chosen = new ChosenTime(slot, current.Format, Moving: true);
        else if ((format ?? (slot.Formats.Count == 1 ? slot.Formats[0] : null)) is not { } way || !slot.Formats.Contains(way))
            BookingProblem = "Please choose how you'd like to meet.";
        else
            Chosen = new ChosenTime(slot, way, Moving: false);
        return shown;
    }

    public Task<IActionResult> OnPostBookAsync(DateTimeOffset? startsAt, SessionFormat? format, [FromServices] IMessageBus commands, CancellationToken cancellation)
    {
        AskedFormat = format;
        return ChangeAsync(commands, id => new SelfBookFirstSession(startsAt, format) { ReferralId = id }, "Your first session is booked. We look forward to seeing you.", cancellation);
    }

    public Task<IActionResult> OnPostMoveAsync(DateTimeOffset? startsAt, [FromServices] IMessageBus commands, CancellationToken cancellation) =>
        ChangeAsync(commands, id => new SelfRescheduleFirstSession(startsAt) { ReferralId = id }, "Your first session is moved to its new time.", cancellation);

    public Task<IActionResult> OnPostCancelAsync(string? reason, [FromServices] IMessageBus commands, CancellationToken cancellation) =>
        ChangeAsync(commands, id => new SelfCancelFirstSession(reason) { ReferralId = id }, "Your first session is cancelled. Whenever you're ready, you can choose a new time below.",
            cancellation);

    /// <summary>Sends the client's command for the referral the link opened; carried out, the page reloads with a message.</summary>
    private async Task<IActionResult> ChangeAsync<TResult>(IMessageBus commands, Func<Guid, Infrastructure.ICommand<TResult>> command, string done, CancellationToken cancellation)
        where TResult : class, Infrastructure.IAnswer
    {
        if (ClientLinks.Visit(HttpContext) is not { } visit) return await ShowAsync(cancellation);
        var problem = await SendAsync(commands, command(visit.Referral.Id), cancellation);
        if (problem is null)
        {
            Flash = done;
            return RedirectToPage(new { token = Token });
        }
        var shown = await ShowAsync(cancellation);
        BookingProblem = WordsFor(problem);
        return shown;
    }

    /// <summary>Refusals as the client reads them: a lost race offers the times still open; a state changed meanwhile shows where it stands.</summary>
    private static string WordsFor(ProblemDetails problem) =>
        (problem.Extensions.TryGetValue("code", out var code) ? code?.ToString() : null) switch
        {
            "slotUnavailable" or "sessionOverlap" => TakenMessage,
            "invalidTransition" or "staleVersion" => "Your session changed since this page was loaded. Here is where it stands now.",
            _ when problem.Status == 400 => "Please choose one of the times below.",
            _ => problem.Detail ?? problem.Title ?? "That could not be done."
        };
}
