using System.Net;
using System.Text.Json.Nodes;
using Alba;
using JasperFx.Events;
using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Shared;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Matching.Tests.Support;

/// <summary>A referral driven over HTTP to some point of its life, with what the steps returned.</summary>
public sealed record ScenarioReferral(
    IAlbaHost Host, Guid Id, long Version, string Status, Guid? ClinicianId = null, Guid? ProposalId = null, Guid? SessionId = null)
{
    public string Url => $"/api/referrals/{Id}";
}

/// <summary>
/// Chained set-ups that read as scenarios: <c>await app.Host.SubmittedReferral().Triaged().ProposedTo(c).Accepted()</c>.
/// Each step asserts its own success, so a test fails where its set-up broke.
/// </summary>
public static class ReferralScenarios
{
    public static DateTimeOffset Now(this IAlbaHost host) => host.Services.GetRequiredService<TimeProvider>().GetUtcNow();

    /// <summary>A clinician onboarded straight into their stream (the directory's HTTP endpoints live elsewhere).</summary>
    public static async Task<Guid> OnboardedClinician(this IAlbaHost host, bool acceptingNewClients = true, string name = "Grace Kim",
        int caseloadLimit = 25, int weeklyNewClientLimit = 3)
    {
        var id = Guid.CreateVersion7();
        var profile = new ClinicianProfile(name, "LPC", $"{id:N}@practice.example", "America/Denver", ["CO"], ["CO"],
            [SessionFormat.Telehealth, SessionFormat.InPerson], [SessionType.Individual], [AgeGroup.Adult],
            [Concern.Trauma, Concern.Grief], [Modality.Emdr], ["English"], ["Aetna"], 160m, null, Gender.Female, true, false, false);
        await using var session = host.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        session.Events.StartStream<Clinician>(id,
            new ClinicianOnboarded(profile, caseloadLimit, weeklyNewClientLimit, acceptingNewClients, [new WeeklyWindow(WeekDay.Monday, "09:00", "17:00")]));
        await session.SaveChangesAsync();
        return id;
    }

    public static async Task AppendToClinician(this IAlbaHost host, Guid clinicianId, object @event)
    {
        await using var session = host.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        session.Events.Append(clinicianId, @event);
        await session.SaveChangesAsync();
    }

    public static async Task<ScenarioReferral> SubmittedReferral(this IAlbaHost host, bool urgent = false)
    {
        var (status, body) = await host.Post("/api/intake", urgent ? Samples.UrgentIntake() : Samples.Intake());
        status.ShouldBe(HttpStatusCode.Created, body?.ToJsonString());
        return new ScenarioReferral(host, body!["referralId"]!.GetValue<Guid>(), body["version"]!.GetValue<long>(),
            body["status"]!.GetValue<string>());
    }

    public static Task<ScenarioReferral> RiskAcknowledged(this Task<ScenarioReferral> referral) =>
        referral.Step("risk-acknowledgement", new { actionTaken = "contactedClient", note = "Called; safety plan in place." });

    public static Task<ScenarioReferral> Triaged(this Task<ScenarioReferral> referral) =>
        referral.Step("triage", new { priority = "routine" });

    public static Task<ScenarioReferral> Waitlisted(this Task<ScenarioReferral> referral) =>
        referral.Step("waitlist", new { reason = "No evening openings this month." });

    public static async Task<ScenarioReferral> ProposedTo(this Task<ScenarioReferral> referral, Guid clinicianId)
    {
        var r = await referral;
        var (status, body) = await r.Host.Post($"{r.Url}/proposals", new { clinicianId }, Tokens.Coordinator);
        status.ShouldBe(HttpStatusCode.Created, body?.ToJsonString());
        return r.From(body!) with { ClinicianId = clinicianId, ProposalId = body!["proposalId"]!.GetValue<Guid>() };
    }

    /// <summary>A new clinician onboarded and proposed.</summary>
    public static async Task<ScenarioReferral> Proposed(this Task<ScenarioReferral> referral)
    {
        var r = await referral;
        return await Task.FromResult(r).ProposedTo(await r.Host.OnboardedClinician());
    }

    public static async Task<ScenarioReferral> Accepted(this Task<ScenarioReferral> referral)
    {
        var r = await referral;
        var (status, body) = await r.Host.Post($"{r.Url}/proposals/{r.ProposalId}/accept", new { note = "Glad to." },
            Tokens.Clinician(r.ClinicianId!.Value));
        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        return r.From(body!);
    }

    /// <summary>
    /// Why scenarios book at the times they choose rather than the clinician's hours (Mondays 09:00-17:00): they are about
    /// what follows a booking, not about availability, which tests/Matching.Tests/Referrals/Booking covers.
    /// </summary>
    public const string AnyTime = "Arranged with the clinician outside their usual hours.";

    /// <summary>Booked a day ahead by default (the clinician is new to each scenario, so nothing overlaps).</summary>
    public static async Task<ScenarioReferral> Booked(this Task<ScenarioReferral> referral, DateTimeOffset? startsAt = null)
    {
        var r = await referral;
        var (status, body) = await r.Host.Post($"{r.Url}/first-session",
            new { startsAt = startsAt ?? r.Host.Now().AddDays(1), format = "telehealth", overrideReason = AnyTime }, Tokens.Coordinator);
        status.ShouldBe(HttpStatusCode.Created, body?.ToJsonString());
        return r.From(body!) with { SessionId = body!["sessionId"]!.GetValue<Guid>() };
    }

    /// <summary>A coordinator issues the client a link: its token (the last segment of the URL answered).</summary>
    public static async Task<string> ClientLink(this ScenarioReferral r)
    {
        var (status, body) = await r.Host.Post($"{r.Url}/client-link", null, Tokens.Coordinator);
        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        return new Uri(body!["url"]!.GetValue<string>()).Segments[^1];
    }

    public static async Task<ScenarioReferral> Step(this Task<ScenarioReferral> referral, string path, object body)
    {
        var r = await referral;
        var (status, result) = await r.Host.Post($"{r.Url}/{path}", body, Tokens.Coordinator);
        status.ShouldBe(HttpStatusCode.OK, result?.ToJsonString());
        return r.From(result!);
    }

    private static ScenarioReferral From(this ScenarioReferral r, JsonNode body) =>
        r with { Version = body["version"]!.GetValue<long>(), Status = body["status"]!.GetValue<string>() };

    /// <summary>A coordinator command on the referral.</summary>
    public static Task<(HttpStatusCode Status, JsonNode? Body)> Command(this ScenarioReferral r, string path, object body, string? token = null) =>
        r.Host.Post($"{r.Url}/{path}", body, token ?? Tokens.Coordinator);

    public static async Task<IReadOnlyList<IEvent>> Events(this ScenarioReferral r)
    {
        await using var session = r.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return await session.Events.FetchStreamAsync(r.Id);
    }

    public static async Task<string[]> EventTypes(this ScenarioReferral r) =>
        (await r.Events()).Select(e => e.Data.GetType().Name).ToArray();

    /// <summary>Rows of the first-session slot table for a clinician.</summary>
    public static async Task<int> SlotCount(this IAlbaHost host, Guid clinicianId)
    {
        var store = host.Services.GetRequiredService<IDocumentStore>();
        await using var connection = new NpgsqlConnection(store.Options.Tenancy.Default.Database.CreateConnection().ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from matching.first_session_slots where clinician_id = @id", connection);
        command.Parameters.AddWithValue("id", clinicianId);
        return Convert.ToInt32(await command.ExecuteScalarAsync());
    }
}
