using System.Diagnostics;
using System.Net;
using Matching.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Matching.Tests.Operability;

/// <summary>
/// Traces collected in memory instead of exported over OTLP. (The "Wolverine" source traces message
/// handling; HTTP endpoints are traced by ASP.NET Core.)
/// </summary>
public sealed class TracingFixture : AppFixture
{
    public LockedSpans Spans { get; } = [];

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Telemetry:Enabled"] = "true" };

    protected override void ConfigureServices(IServiceCollection services) =>
        services.ConfigureOpenTelemetryTracerProvider(b => b.AddInMemoryExporter(Spans));
}

/// <summary>The exporter adds spans from the threads that end them: each add takes the lock a reader takes too.</summary>
public sealed class LockedSpans : System.Collections.ObjectModel.Collection<Activity>
{
    protected override void InsertItem(int index, Activity item)
    {
        lock (this) base.InsertItem(index, item);
    }

    protected override void ClearItems()
    {
        lock (this) base.ClearItems();
    }
}

public class TelemetryTests(TracingFixture app) : IClassFixture<TracingFixture>
{
    [Fact]
    public async Task a_command_is_traced_through_http_marten_and_npgsql()
    {
        var (status, body) = await app.Host.Post("/api/intake", Samples.Intake());
        status.ShouldBe(HttpStatusCode.Created);
        var id = body!["referralId"]!.GetValue<Guid>();
        (await app.Host.Post($"/api/referrals/{id}/triage", new { priority = "routine" }, Tokens.Coordinator)).Status
            .ShouldBe(HttpStatusCode.OK);

        List<string> sources = [];
        for (var attempt = 0; attempt < 50; attempt++)
        {
            lock (app.Spans) sources = app.Spans.Select(s => s.Source.Name).Distinct().ToList();
            if (new[] { "Microsoft.AspNetCore", "Npgsql", "Marten" }.All(sources.Contains)) break;
            await Task.Delay(100);
        }

        sources.ShouldContain("Microsoft.AspNetCore");
        sources.ShouldContain("Npgsql");
        sources.ShouldContain("Marten");
    }
}

public class ClientLinkTracingTests(TracingFixture app) : IClassFixture<TracingFixture>
{
    [Fact]
    public async Task a_links_token_is_not_in_the_spans()
    {
        var referral = await app.Host.SubmittedReferral();
        var token = await referral.ClientLink();

        (await app.Host.Get($"/api/client/{token}")).Status.ShouldBe(HttpStatusCode.OK);

        List<Activity> spans = [];
        for (var attempt = 0; attempt < 50 && spans.Count == 0; attempt++)
        {
            lock (app.Spans) spans = app.Spans.Where(s => s.GetTagItem("url.path") is "/api/client/{token}").ToList();
            if (spans.Count == 0) await Task.Delay(100);
        }
        spans.ShouldNotBeEmpty();
        lock (app.Spans)
            app.Spans.SelectMany(s => s.TagObjects.Select(t => t.Value?.ToString() ?? "").Append(s.DisplayName))
                .Where(v => v.Contains(token)).ShouldBeEmpty();
    }
}
