using System.Net;
using System.Text.Json.Nodes;
using Marten;
using Matching.Service.Referrals;
using Matching.Service.Shared;
using Matching.Service.Reports;
using Matching.Tests.Support;
using Xunit.Abstractions;

namespace Matching.Tests.Reports;

public class ReportCorrectnessTests(ReportsFixture app, ITestOutputHelper output) : IClassFixture<ReportsFixture>
{
    // The whole log; a range that cuts February and April in the middle; one day.
    public static TheoryData<string?, string?> Ranges => new()
    {
        { null, null },
        { "2026-02-10", "2026-04-20" },
        { "2026-03-17", "2026-03-17" }
    };

    private static string Query(string? from, string? to) =>
        string.Join('&', new[] { from is null ? null : $"from={from}", to is null ? null : $"to={to}" }.Where(x => x is not null));

    private async Task<JsonNode> Report(string path, string? from, string? to, string? extra = null)
    {
        var query = string.Join('&', new[] { Query(from, to), extra }.Where(x => !string.IsNullOrEmpty(x)));
        var (status, body) = await app.Host.Get($"/api/reports/{path}{(query.Length > 0 ? "?" + query : "")}", Tokens.Analyst);
        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        return body!;
    }

    private static DateOnly? Date(string? value) => value is null ? null : DateOnly.Parse(value);

    private static void ShouldBeRate(JsonNode? actual, double? expected, string what)
    {
        if (expected is null) { actual.ShouldBeNull(what); return; }
        Math.Round(actual!.GetValue<double>(), 2).ShouldBe(Math.Round(expected.Value, 2), what);
        actual.GetValue<double>().ShouldBe(expected.Value, 0.00005, what);
    }

    private static void ShouldBeValue(JsonNode? actual, double? expected, string what)
    {
        if (expected is null) actual.ShouldBeNull(what);
        else actual!.GetValue<double>().ShouldBe(expected.Value, what);
    }

    [Theory, MemberData(nameof(Ranges))]
    public async Task funnel_counts_each_referral_once_per_stage_it_reached(string? from, string? to)
    {
        var oracle = new ReportOracle(app.Referrals, Date(from), Date(to));
        var report = await Report("funnel", from, to);
        var expected = oracle.Totals;

        oracle.Count.ShouldBeGreaterThan(0);
        report["submitted"]!.GetValue<int>().ShouldBe(expected.Submitted);
        report["triaged"]!.GetValue<int>().ShouldBe(expected.Triaged);
        report["proposed"]!.GetValue<int>().ShouldBe(expected.Proposed);
        report["accepted"]!.GetValue<int>().ShouldBe(expected.Accepted);
        report["booked"]!.GetValue<int>().ShouldBe(expected.Booked);
        report["attended"]!.GetValue<int>().ShouldBe(expected.Attended);
        report["proposals"]!.GetValue<int>().ShouldBe(expected.Proposals);
        report["rematches"]!.GetValue<int>().ShouldBe(expected.Rematches);

        var months = report["months"]!.AsArray();
        months.Select(m => m!["month"]!.GetValue<string>()).ShouldBe(oracle.Months.Keys.Order(StringComparer.Ordinal));
        foreach (var month in months)
        {
            var want = oracle.Months[month!["month"]!.GetValue<string>()];
            var counts = month["counts"]!;
            new ReportOracle.Funnel(counts["submitted"]!.GetValue<int>(), counts["triaged"]!.GetValue<int>(),
                counts["proposed"]!.GetValue<int>(), counts["accepted"]!.GetValue<int>(), counts["booked"]!.GetValue<int>(),
                counts["attended"]!.GetValue<int>(), counts["proposals"]!.GetValue<int>(), counts["rematches"]!.GetValue<int>())
                .ShouldBe(want);
        }
    }

    [Theory, MemberData(nameof(Ranges))]
    public async Task match_outcomes_match_the_events_for_every_grouping(string? from, string? to)
    {
        var oracle = new ReportOracle(app.Referrals, Date(from), Date(to));
        foreach (var groupBy in new[] { "clinician", "concern", "month" })
        {
            var expected = oracle.OutcomesBy(groupBy);
            var rows = (await Report("match-outcomes", from, to, $"groupBy={groupBy}"))["rows"]!.AsArray();
            rows.Select(r => r!["key"]!.GetValue<string>()).Order().ShouldBe(expected.Keys.Order(), groupBy);
            foreach (var row in rows)
            {
                var key = row!["key"]!.GetValue<string>();
                var want = expected[key];
                var what = $"{groupBy} {key}";
                row["proposals"]!.GetValue<int>().ShouldBe(want.Proposals, what);
                row["accepted"]!.GetValue<int>().ShouldBe(want.Accepted, what);
                row["declined"]!.GetValue<int>().ShouldBe(want.Declined, what);
                row["expired"]!.GetValue<int>().ShouldBe(want.Expired, what);
                row["withdrawn"]!.GetValue<int>().ShouldBe(want.Withdrawn, what);
                ShouldBeRate(row["acceptanceRate"], want.AcceptanceRate, what);
                foreach (var (reason, count) in want.Reasons)
                    row["declineReasons"]![Words.Wire(reason)]!.GetValue<int>().ShouldBe(count, $"{what} {reason}");
                if (groupBy == "clinician") row["label"]!.GetValue<string>().ShouldBe(app.Clinicians[Guid.Parse(key)].Name);
            }
        }
    }

    [Theory, MemberData(nameof(Ranges))]
    public async Task durations_are_exact_medians_and_p90s(string? from, string? to)
    {
        var oracle = new ReportOracle(app.Referrals, Date(from), Date(to));
        var report = await Report("time-to-first-session", from, to);

        var toSession = oracle.IntakeToFirstSession;
        report["count"]!.GetValue<int>().ShouldBe(toSession.Count);
        ShouldBeValue(report["medianHours"], toSession.Median, "median to first session");
        ShouldBeValue(report["p90Hours"], toSession.P90, "p90 to first session");

        foreach (var (name, want) in new[] { ("intakeToFirstProposal", oracle.IntakeToFirstProposal), ("firstProposalToAcceptance", oracle.FirstProposalToAcceptance) })
        {
            report[name]!["count"]!.GetValue<int>().ShouldBe(want.Count, name);
            ShouldBeValue(report[name]!["medianHours"], want.Median, name);
            ShouldBeValue(report[name]!["p90Hours"], want.P90, name);
        }

        var within = oracle.FirstSessionWithinTarget(app.Options);
        report["sla"]!["businessDays"]!.GetValue<int>().ShouldBe(10);
        report["sla"]!["withinTarget"]!.GetValue<int>().ShouldBe(within);
        ShouldBeRate(report["sla"]!["withinTargetRate"], ReportOracle.Rate(within, toSession.Count), "within target");
    }

    [Theory, MemberData(nameof(Ranges))]
    public async Task waitlist_no_shows_and_risk_match_the_events(string? from, string? to)
    {
        var oracle = new ReportOracle(app.Referrals, Date(from), Date(to));

        var waitlist = await Report("waitlist", from, to);
        var measuredAt = waitlist["measuredAt"]!.GetValue<DateTimeOffset>();
        var waiting = oracle.WaitingSince.Select(s => (measuredAt - s).TotalDays).ToList();
        waitlist["current"]!.GetValue<int>().ShouldBe(waiting.Count);
        waitlist["everWaitlisted"]!.GetValue<int>().ShouldBe(oracle.EverWaitlisted);
        ShouldBeValue(waitlist["medianDaysWaiting"], ReportOracle.Percentile(waiting, 0.5), "median days waiting");
        ShouldBeValue(waitlist["p90DaysWaiting"], ReportOracle.Percentile(waiting, 0.9), "p90 days waiting");

        var noShows = await Report("no-shows", from, to);
        noShows["booked"]!.GetValue<int>().ShouldBe(oracle.BookedCount);
        noShows["attended"]!.GetValue<int>().ShouldBe(oracle.Attended);
        noShows["noShows"]!.GetValue<int>().ShouldBe(oracle.NoShows);
        noShows["referralsWithNoShow"]!.GetValue<int>().ShouldBe(oracle.ReferralsWithNoShow);
        ShouldBeRate(noShows["noShowRate"], ReportOracle.Rate(oracle.NoShows, oracle.Attended + oracle.NoShows), "no-show rate");

        var risk = await Report("risk", from, to);
        var minutes = oracle.MinutesToAcknowledge;
        risk["flagged"]!.GetValue<int>().ShouldBe(oracle.Flagged);
        risk["acknowledged"]!.GetValue<int>().ShouldBe(minutes.Count);
        risk["unacknowledged"]!.GetValue<int>().ShouldBe(oracle.Flagged - minutes.Count);
        risk["escalated"]!.GetValue<int>().ShouldBe(oracle.Escalated);
        risk["urgent"]!.GetValue<int>().ShouldBe(oracle.Urgent);
        ShouldBeValue(risk["timeToAcknowledgement"]!["medianMinutes"], ReportOracle.Percentile(minutes, 0.5), "median minutes");
        ShouldBeValue(risk["timeToAcknowledgement"]!["p90Minutes"], ReportOracle.Percentile(minutes, 0.9), "p90 minutes");
        var within = minutes.Count(m => m <= 15);
        risk["acknowledgedWithinTarget"]!.GetValue<int>().ShouldBe(within);
        ShouldBeRate(risk["withinTargetRate"], ReportOracle.Rate(within, minutes.Count), "within target");
    }

    [Fact]
    public async Task utilization_shows_each_clinicians_current_load()
    {
        var rows = (await Report("utilization", null, null))["rows"]!.AsArray();
        rows.Count.ShouldBe(app.Clinicians.Count);
        foreach (var row in rows)
        {
            var id = row!["clinicianId"]!.GetValue<Guid>();
            var (name, limit) = app.Clinicians[id];
            var (active, open) = ReportOracle.Load(app.Referrals, id);
            row["name"]!.GetValue<string>().ShouldBe(name);
            row["caseloadLimit"]!.GetValue<int>().ShouldBe(limit);
            row["activeClients"]!.GetValue<int>().ShouldBe(active, name);
            row["openProposals"]!.GetValue<int>().ShouldBe(open, name);
            ShouldBeRate(row["utilization"], ReportOracle.Rate(active, limit), name);
        }
    }

    [Fact]
    public async Task reports_say_how_fresh_they_are()
    {
        var report = await Report("funnel", null, null);
        var asOf = report["asOf"]!;
        await using var session = app.Store.QuerySession();
        var stats = await app.Store.Advanced.FetchEventStoreStatistics();
        asOf["sequence"]!.GetValue<long>().ShouldBe(stats.EventSequenceNumber);
        asOf["latestSequence"]!.GetValue<long>().ShouldBe(stats.EventSequenceNumber);
        asOf["at"]!.GetValue<DateTimeOffset>().ShouldBeGreaterThan(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        output.WriteLine($"{ReportsFixture.ReferralCount} referrals, {stats.EventCount} events: appended in {app.GenerationTime.TotalSeconds:F1} s, " +
                         $"async projection caught up {app.ProjectionCatchUpTime.TotalSeconds:F1} s later");
    }

    [Fact]
    public async Task reports_carry_no_client_names_emails_or_phones()
    {
        var texts = new List<string>();
        foreach (var path in new[] { "funnel", "funnel?groupBy=source", "match-outcomes?groupBy=clinician", "match-outcomes?groupBy=concern", "match-outcomes?groupBy=month",
                     "time-to-first-session", "waitlist", "no-shows", "utilization", "risk" })
        {
            texts.Add((await app.Host.Get($"/api/reports/{path}", Tokens.Analyst)).Body!.ToJsonString());
            using var client = app.Host.Client(Tokens.Analyst);
            client.DefaultRequestHeaders.Accept.ParseAdd("text/csv");
            texts.Add(await client.GetStringAsync($"/api/reports/{path}"));
        }

        var everything = string.Join('\n', texts);
        everything.ShouldNotContain("Zephyrine");
        everything.ShouldNotContain("Quillfeather");
        everything.ShouldNotContain("clients.example.org");
        everything.ShouldNotContain("720 555");
        foreach (var referral in app.Referrals.Take(200))
        {
            everything.ShouldNotContain(referral.Email);
            everything.ShouldNotContain(referral.Phone);
            everything.ShouldNotContain(referral.Id.ToString());
        }
    }

    [Fact]
    public async Task rebuilding_from_the_event_log_gives_the_same_documents_and_reports()
    {
        string[] paths = ["funnel", "match-outcomes?groupBy=clinician", "match-outcomes?groupBy=concern", "match-outcomes?groupBy=month",
            "time-to-first-session", "no-shows", "risk", "funnel?from=2026-02-10&to=2026-04-20"];
        async Task<string[]> Snapshot() => await Task.WhenAll(paths.Select(async p => (await app.Host.Get($"/api/reports/{p}", Tokens.Analyst)).Body!.ToJsonString()));
        async Task<string> Documents()
        {
            await using var session = app.Store.QuerySession();
            var facts = await session.Query<ReferralFacts>().OrderBy(f => f.Id).ToListAsync();
            return System.Text.Json.JsonSerializer.Serialize(facts, Http.Json);
        }

        var liveReports = await Snapshot();
        var liveDocuments = await Documents();

        await app.Store.Advanced.Clean.DeleteDocumentsByTypeAsync(typeof(ReferralFacts));
        (await Documents()).ShouldBe("[]");

        var started = System.Diagnostics.Stopwatch.StartNew();
        using var daemon = await app.Store.BuildProjectionDaemonAsync();
        await daemon.RebuildProjectionAsync<ReferralFacts>(TimeSpan.FromMinutes(2), CancellationToken.None);
        output.WriteLine($"Rebuilt {app.Referrals.Count} referral facts in {started.Elapsed.TotalSeconds:F1} s");

        (await Documents()).ShouldBe(liveDocuments);
        (await Snapshot()).ShouldBe(liveReports);
    }
}
