using System.Net;
using CsvHelper;
using Matching.DevHost;
using Matching.Service.Infrastructure;
using Matching.Service.Reports;
using Matching.Tests.Audit;
using Matching.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Matching.Tests.Reports;

/// <summary>Every CSV the service writes neutralises cells a spreadsheet would run as a formula (OWASP CSV injection).</summary>
public class CsvInjectionTests(AppFixture app) : IClassFixture<AppFixture>
{
    public static readonly TheoryData<string> Formulas = new() { "=1+1", "+1+1", "-1+1", "@SUM(A1:A2)", "\t=1+1", "\r=1+1" };

    [Theory]
    [MemberData(nameof(Formulas))]
    public async Task a_report_cell_that_starts_like_a_formula_is_written_as_text(string value)
    {
        var csv = await ReportCsvOf([[value, -3, 2.5, "plain"]]);

        var row = Rows(csv)[1];
        row[0].ShouldBe("'" + value);
        row[3].ShouldBe("plain");
        csv.ShouldContain("\"'" + value + "\"");
    }

    [Fact]
    public async Task numbers_in_a_report_stay_numbers_even_when_negative()
    {
        var csv = await ReportCsvOf([["Grace Kim", -3, -0.25, 12L]]);
        Rows(csv)[1].ShouldBe(["Grace Kim", "-3", "-0.25", "12"]);
    }

    [Fact]
    public async Task the_audit_export_neutralises_a_name_that_starts_like_a_formula()
    {
        const string name = "=HYPERLINK(\"http://attacker.example\",\"open\")";
        var coordinator = DevTokens.Mint(Tokens.SigningKey, "matching-dev", "matching", "-formula-sub", name, [Roles.Coordinator], null,
            TimeSpan.FromHours(1));
        var referral = await app.Host.SubmittedReferral();
        (await referral.Command("triage", new { priority = "routine" }, coordinator)).Status.ShouldBe(HttpStatusCode.OK);
        await app.Host.AuditCaughtUp();

        using var client = app.Host.Client(Tokens.Compliance);
        var csv = await client.GetStringAsync("/api/audit/export?format=csv");

        var triage = Rows(csv).Single(r => r[3] == "ReferralTriaged");
        triage[7].ShouldBe("'" + name);
        triage[6].ShouldBe("'-formula-sub");
        Rows(csv).SelectMany(r => r).ShouldNotContain(cell => cell.Length > 0 && "=+-@\t\r".Contains(cell[0]));
    }

    private static async Task<string> ReportCsvOf(IReadOnlyList<object?>[] rows)
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        context.Response.Body = new MemoryStream();
        var result = ReportCsv.Result(context.Response, new ReportAsOf(1, null, 1), ["label", "count", "rate", "text"], rows);
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        return await new StreamReader(context.Response.Body).ReadToEndAsync();
    }

    private static List<string[]> Rows(string csv)
    {
        var rows = new List<string[]>();
        using var reader = CsvReader.Create(new StringReader(csv), CsvReaderOptions.Default with { HasHeader = false });
        while (reader.Read()) rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetString(i)).ToArray());
        return rows;
    }
}
