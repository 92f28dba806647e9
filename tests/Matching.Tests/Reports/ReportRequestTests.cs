using System.Net;
using Matching.Tests.Support;

namespace Matching.Tests.Reports;

public class ReportRequestTests(AppFixture app) : IClassFixture<AppFixture>
{
    public static TheoryData<string> Reports =>
        ["funnel", "match-outcomes", "time-to-first-session", "waitlist", "no-shows", "utilization", "risk"];

    [Theory]
    [InlineData("from=2026-13-01", "from")]
    [InlineData("to=yesterday", "to")]
    [InlineData("from=2026-3-1", "from")]
    [InlineData("from=2026-05-01&to=2026-04-30", "to")]
    public async Task bad_dates_are_refused_with_the_field_named(string query, string field)
    {
        foreach (var report in Reports)
        {
            var (status, body) = await app.Host.Get($"/api/reports/{report}?{query}", Tokens.Analyst);
            status.ShouldBe(HttpStatusCode.BadRequest, report);
            body!["errors"]![field].ShouldNotBeNull(report);
        }
    }

    [Theory]
    [InlineData("match-outcomes")]
    [InlineData("funnel")]
    public async Task an_unknown_grouping_is_refused(string report)
    {
        var (status, body) = await app.Host.Get($"/api/reports/{report}?groupBy=payer&from=nope", Tokens.Analyst);
        status.ShouldBe(HttpStatusCode.BadRequest);
        body!["errors"]!["groupBy"].ShouldNotBeNull();
        body["errors"]!["from"].ShouldNotBeNull();
    }

    [Theory, MemberData(nameof(Reports))]
    public async Task an_empty_store_gives_empty_reports_with_their_freshness(string report)
    {
        var (status, body) = await app.Host.Get($"/api/reports/{report}?from=2026-01-01&to=2026-12-31", Tokens.Compliance);
        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        body!["asOf"]!["sequence"].ShouldNotBeNull();
        body["from"]!.GetValue<string>().ShouldBe("2026-01-01");
    }

    [Theory, MemberData(nameof(Reports))]
    public async Task csv_is_served_when_asked_for(string report)
    {
        using var client = app.Host.Client(Tokens.Admin);
        client.DefaultRequestHeaders.Accept.ParseAdd("text/csv");
        using var response = await client.GetAsync($"/api/reports/{report}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        response.Headers.Contains("X-Report-As-Of-Sequence").ShouldBeTrue();
        var header = (await response.Content.ReadAsStringAsync()).Split('\n')[0];
        header.ShouldNotBeEmpty();
        header.ShouldNotContain("asOf");
    }

    [Fact]
    public async Task the_funnel_csv_by_source_has_a_row_per_source_then_the_total()
    {
        using var client = app.Host.Client(Tokens.Analyst);
        client.DefaultRequestHeaders.Accept.ParseAdd("text/csv");
        var lines = (await client.GetStringAsync("/api/reports/funnel?groupBy=source&from=2026-01-01&to=2026-12-31"))
            .Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldBe([
            "source,organization,submitted,triaged,proposed,accepted,booked,attended,proposals,rematches,selfBooked,coordinatorBooked,attendedSelfBooked,attendedCoordinatorBooked",
            "all,,0,0,0,0,0,0,0,0,0,0,0,0"
        ]);
    }

    [Theory]
    [InlineData("coordinator")]
    [InlineData("clinician")]
    public async Task only_analysts_admins_and_compliance_read_reports(string role)
    {
        var (status, _) = await app.Host.Get("/api/reports/funnel", Tokens.For(role, clinicianId: Guid.NewGuid()));
        status.ShouldBe(HttpStatusCode.Forbidden);
        (await app.Host.Get("/api/reports/funnel")).Status.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
