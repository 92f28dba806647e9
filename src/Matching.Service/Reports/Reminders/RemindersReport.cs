using Marten;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Matching.Service.Reports.Reminders;

/// <summary>Reminders that went out so long before the session by one channel (a reminder by email and text counts in both rows).</summary>
public sealed record RemindersSentRow(double LeadHours, ContactChannel Channel, int Sent);

/// <summary>First-session outcomes of one kind of session: attended, missed, and the no-show rate missed ÷ (attended + missed).</summary>
public sealed record SessionOutcomeCounts(int Attended, int NoShows, double? NoShowRate)
{
    public static SessionOutcomeCounts Of(IEnumerable<SessionOutcomeFact> outcomes)
    {
        var list = outcomes.ToList();
        var attended = list.Count(o => o.Attended);
        var noShows = list.Count - attended;
        return new SessionOutcomeCounts(attended, noShows, Percentiles.Rate(noShows, list.Count));
    }
}

/// <summary>
/// Reminders of first sessions for the referrals whose intake falls in the range: how many went out, by lead time and
/// channel, and the no-show rate of first sessions that had at least one reminder against those that had none. Every
/// recorded outcome counts, as in the no-shows report.
/// </summary>
public sealed record RemindersReport(
    ReportAsOf AsOf, DateOnly? From, DateOnly? To,
    int RemindersSent, int SessionsReminded, IReadOnlyList<RemindersSentRow> Sent,
    SessionOutcomeCounts WithReminder, SessionOutcomeCounts WithoutReminder)
{
    /// <summary>The channels a reminder goes by: every configured lead time gets a row for each, sent or not.</summary>
    public static readonly ContactChannel[] Channels = [ContactChannel.Email, ContactChannel.Sms];

    public static RemindersReport Compute(ReportAsOf asOf, ReportRange range, IReadOnlyList<ReferralFacts> facts, MatchingOptions options)
    {
        var reminders = facts.SelectMany(f => f.Reminders).ToList();
        var sent = reminders.SelectMany(r => r.Channels.Distinct().Select(c => (r.LeadTime, Channel: c))).ToList();
        var rows = options.ReminderLeads.SelectMany(lead => Channels.Select(c => (LeadTime: lead, Channel: c)))
            .Concat(sent).Distinct()
            .OrderByDescending(k => k.LeadTime).ThenBy(k => k.Channel)
            .Select(k => new RemindersSentRow(Math.Round(k.LeadTime.TotalHours, 2), k.Channel, sent.Count(s => s == k)))
            .ToList();
        var outcomes = facts.SelectMany(f => f.SessionOutcomes).ToList();
        return new RemindersReport(asOf, range.From, range.To, reminders.Count,
            facts.Sum(f => f.Reminders.Select(r => r.SessionId).Distinct().Count()), rows,
            SessionOutcomeCounts.Of(outcomes.Where(o => o.Reminded)), SessionOutcomeCounts.Of(outcomes.Where(o => !o.Reminded)));
    }
}

public static class RemindersReportEndpoint
{
    private static readonly string[] Header = ["measure", "leadHours", "channel", "count", "attended", "noShows", "noShowRate"];

    [WolverineGet("/api/reports/reminders"), Authorize(Policy = Policies.Reports)]
    [ProducesResponseType<RemindersReport>(200)]
    public static async Task<IResult> Get(
        string? from, string? to, HttpContext http, IQuerySession session, MatchingOptions options, CancellationToken cancellation)
    {
        var (range, problem) = ReportRange.Parse(from, to);
        if (problem is not null) return Results.Problem(problem);

        var asOf = await ReportReads.AsOfAsync(session, cancellation);
        var report = RemindersReport.Compute(asOf, range!, await ReportReads.FactsAsync(session, range!, cancellation), options);
        if (!ReportCsv.Wanted(http.Request)) return Results.Ok(report);

        IReadOnlyList<object?> Outcomes(string measure, SessionOutcomeCounts c) =>
            [measure, null, null, c.Attended + c.NoShows, c.Attended, c.NoShows, c.NoShowRate];
        return ReportCsv.Result(http.Response, asOf, Header, report.Sent
            .Select(r => (IReadOnlyList<object?>)["sent", r.LeadHours, r.Channel, r.Sent, null, null, null])
            .Append(Outcomes("sessionsWithReminder", report.WithReminder))
            .Append(Outcomes("sessionsWithoutReminder", report.WithoutReminder)));
    }
}
