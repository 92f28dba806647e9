using System.Text.Json;
using System.Text.Json.Nodes;
using Marten;
using Marten.Events;
using Matching.Service.Audit;
using Matching.Service.Clinicians;
using Matching.Service.Clinicians.Onboarding;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Erasing;
using Matching.Service.Referrals.SubmittingIntake;
using Matching.Service.Shared;
using Matching.Tests.Audit;
using Matching.Tests.CodeGeneration;
using Matching.Tests.Support;
using Npgsql;

namespace Matching.Tests.StoredEvents;

/// <summary>Runs only when <c>MATCHING_CAPTURE_FIXTURES</c> names the folder to write (a new one: captured sets are kept).</summary>
public sealed class CaptureFactAttribute : FactAttribute
{
    public const string Variable = "MATCHING_CAPTURE_FIXTURES";

    public CaptureFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Variable)))
            Skip = $"Captures the stored-event fixtures when asked: {Variable}=yyyy-MM-dd dotnet test tests/Matching.Tests --filter FullyQualifiedName~StoredEventsCapture";
    }
}

/// <summary>
/// Writes <c>Fixtures/{folder}/*.json</c>: every event type as the code of the day stores it, captured from a real store (the
/// rows of the event table, the audit trail the projection built over them, the documents the projections made), so a later
/// change to an event type is tested against what is really in databases (docs/adr/0026-event-versions.md: capture before
/// changing an event). The 2026-12-06-intake-v1 set also holds two older rows, made by this tool as it was then: an
/// IntakeSubmitted with the <c>clientName</c> and <c>isUrgent</c> keys rows stored before that day carry, and one such row
/// erased as that code did.
/// </summary>
public class StoredEventsCapture
{
    public static string FixturesFolder => Path.Combine(GeneratedCodeTests.RepositoryRoot(), "tests", "Matching.Tests", "StoredEvents", "Fixtures");

    /// <summary>The tables a set holds, by file.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Files = new Dictionary<string, string[]>
    {
        ["events.json"] = ["mt_streams", "mt_events"],
        ["audit.json"] = ["mt_event_progression", "mt_doc_auditentry", "mt_doc_personaldatadigest", "mt_doc_digestsalt"],
        ["documents.json"] = ["mt_doc_referral", "mt_doc_referralqueueitem", "mt_doc_referralfacts", "mt_doc_clinician"]
    };

    public static readonly Guid Grace = Guid.Parse("0193f000-0000-7000-8000-0000000000c1");
    public static readonly Guid Omar = Guid.Parse("0193f000-0000-7000-8000-0000000000c2");
    /// <summary>Urgent, every referral event, closed engaged.</summary>
    public static readonly Guid Lifecycle = Guid.Parse("0193f000-0000-7000-8000-0000000000a1");
    /// <summary>Self-pay, no optional answers, closed withdrawn.</summary>
    public static readonly Guid Sparse = Guid.Parse("0193f000-0000-7000-8000-0000000000a2");
    /// <summary>In the 2026-12-06-intake-v1 set: an older row, the intake with clientName and isUrgent.</summary>
    public static readonly Guid Older = Guid.Parse("0193f000-0000-7000-8000-0000000000a3");
    /// <summary>In the 2026-12-06-intake-v1 set: an older row erased by the code of its day.</summary>
    public static readonly Guid OlderErased = Guid.Parse("0193f000-0000-7000-8000-0000000000a4");
    /// <summary>Erased by today's erasure.</summary>
    public static readonly Guid Erased = Guid.Parse("0193f000-0000-7000-8000-0000000000a5");

    private static readonly DateTimeOffset Week = new(2026, 12, 14, 17, 0, 0, TimeSpan.Zero);

    [CaptureFact]
    public async Task capture_every_event_type_as_stored_today()
    {
        var connectionString = await TestDatabase.CreateDatabaseAsync("capture");
        await using var store = new DocumentStore(MartenSetup.ConfigureStore(new StoreOptions(), connectionString, new MatchingOptions(), applySchema: true));
        await SchemaOnStartup.ApplyAsync(store, CancellationToken.None);

        await Clinicians(store);
        await LifecycleReferral(store);
        await SparseReferral(store);
        await Submit(store, Erased, Intake("Clementine", "Ashdown", SelfHarmAnswer.NotAtAll),
            new ContactAttempted(ContactChannel.Phone, ContactOutcome.NoAnswer, "Clementine's voicemail is full."));
        await Accesses(store);
        await Append(store, Omar, "admin-1", Roles.Admin, new ClinicianOffboarded("Left the practice."));

        using (var daemon = await store.BuildProjectionDaemonAsync())
        {
            await daemon.StartAllAsync();
            await store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));

            await using (var session = Stamped(store, "compliance-1", Roles.Compliance, "corr-erasure-today"))
                await EraseClientDataHandler.Handle(new EraseClientData("Request approved by counsel.") { ReferralId = Erased },
                    (await EraseClientDataHandler.LoadAsync(new EraseClientData(null) { ReferralId = Erased }, session, CancellationToken.None))!,
                    session, CancellationToken.None);
            await store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
            await daemon.StopAllAsync();
        }

        var integrity = await AuditIntegrity.VerifyAsync(store, null, CancellationToken.None);
        integrity.Verified.ShouldBeTrue(integrity.FirstMismatch?.ToString());

        var folder = Path.Combine(FixturesFolder, Environment.GetEnvironmentVariable(CaptureFactAttribute.Variable)!);
        Directory.Exists(folder).ShouldBeFalse($"{folder} holds a captured set already: keep it, name a new one");
        Directory.CreateDirectory(folder);
        foreach (var (file, tables) in Files) await Write(connectionString, Path.Combine(folder, file), tables);
    }

    private static Intake Intake(string first, string last, SelfHarmAnswer safety) => new(
        new ClientDetails(first, last, $"{first.ToLowerInvariant()}@example.org", "+1 303 555 0142", new DateOnly(1988, 7, 19), "CO", "80304", "they/them"),
        SessionType.Individual,
        [Concern.Anxiety, Concern.Sleep],
        [Modality.Cbt, Modality.Mindfulness],
        FormatPreference.Telehealth,
        new Payment(PaymentMethod.Insurance, "Cigna", $"MBR-{last.ToUpperInvariant()}", null),
        ["English", "Spanish"],
        new ClinicianPreferences(Gender.Female, true, null),
        [new AvailabilityWindow(WeekDay.Tuesday, "18:00", "20:30"), new AvailabilityWindow(WeekDay.Saturday, "09:00", "12:00")],
        new SafetyAnswers(safety),
        true,
        $"{first} works nights; mentions a brother named Ignatius.",
        new Consent(true, true));

    private static IDocumentSession Stamped(IDocumentStore store, string sub, string role, string correlation) =>
        store.StampedSession(sub, $"Name of {sub}", role, correlation);

    private static async Task Append(IDocumentStore store, Guid stream, string sub, string role, params object[] events)
    {
        await using var session = Stamped(store, sub, role, $"corr-{events[0].GetType().Name}-{stream.ToString()[^2..]}");
        session.Events.Append(stream, events);
        await session.SaveChangesAsync();
    }

    private static async Task Submit(IDocumentStore store, Guid referral, Intake intake, params object[] then)
    {
        await using (var session = Stamped(store, Actor.Anonymous.Sub, Roles.Public, $"corr-intake-{referral.ToString()[^2..]}"))
        {
            session.Events.StartStream<Referral>(referral, SubmitIntakeHandler.Decide(intake, new DateOnly(2026, 12, 7))[0]);
            await session.SaveChangesAsync();
        }
        if (then.Length > 0) await Append(store, referral, "coord-1", Roles.Coordinator, then);
    }

    private static async Task Clinicians(IDocumentStore store)
    {
        var grace = Samples.Clinician();
        var omar = Samples.Clinician("Omar Haddad") with { Email = "omar@practice.example", Gender = Gender.Male };
        await using (var session = Stamped(store, "admin-1", Roles.Admin, "corr-onboarding"))
        {
            session.Events.StartStream<Clinician>(Grace, OnboardClinicianHandler.Decide(grace));
            session.Events.StartStream<Clinician>(Omar, OnboardClinicianHandler.Decide(omar));
            await session.SaveChangesAsync();
        }
        await Append(store, Grace, "admin-1", Roles.Admin,
            new ClinicianProfileUpdated(grace.ToProfile() with { Credentials = "LPC, EMDR-certified" }),
            new ClinicianCapacityChanged(30, 4, true),
            new ClinicianAvailabilityChanged([new WeeklyWindow(WeekDay.Tuesday, "17:00", "21:00"), new WeeklyWindow(WeekDay.Saturday, "08:00", "12:00")]),
            new ClinicianPaused("Conference week."),
            new ClinicianResumed(null));
    }

    private static async Task LifecycleReferral(IDocumentStore store)
    {
        Guid P(int n) => Guid.Parse($"0193f000-0000-7000-8000-0000000001{n:x2}");
        Guid S(int n) => Guid.Parse($"0193f000-0000-7000-8000-0000000002{n:x2}");
        await Submit(store, Lifecycle, Intake("Ottoline", "Marchbanks", SelfHarmAnswer.SeveralDays), new RiskFlagged(SelfHarmAnswer.SeveralDays));
        await Append(store, Lifecycle, Actor.System.Sub, Roles.System, new RiskEscalated(Week.AddDays(-7), TimeSpan.FromHours(4)));
        await Append(store, Lifecycle, "coord-1", Roles.Coordinator,
            new RiskAcknowledged(RiskAction.ContactedClient, "Safety plan agreed with Ottoline."),
            new ReferralTriaged(TriagePriority.Urgent, "Ottoline can only do evenings."),
            new MatchesSuggested("1.0", "2026-11", 10, 2, 1,
                new SuggestionExclusions(1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                [new SuggestedCandidate(Grace, "Grace Kim", 1, 72.5, [new SuggestionReason("specialty", 30, "anxiety"), new SuggestionReason("availability", 12.5, "90 minutes a week in common")])]),
            new MatchProposed(P(1), Omar, Week.AddDays(-5), "Omar has evening slots.", "Only clinician with evenings nearby.", ["payerMismatch"]));
        await Append(store, Lifecycle, "clinician-omar", Roles.Clinician, new ProposalDeclined(P(1), Omar, DeclineReason.NotAFit, "Ottoline needs a sleep specialist."));
        await Append(store, Lifecycle, "coord-1", Roles.Coordinator, new MatchProposed(P(2), Grace, Week.AddDays(-3), null, null, null));
        await Append(store, Lifecycle, Actor.System.Sub, Roles.System, new ProposalExpired(P(2), Grace));
        await Append(store, Lifecycle, "coord-1", Roles.Coordinator, new ReferralWaitlisted("No evening openings until January."));
        await Append(store, Lifecycle, Actor.System.Sub, Roles.System, new WaitlistCheckInDue(1));
        await Append(store, Lifecycle, "coord-1", Roles.Coordinator,
            new ContactAttempted(ContactChannel.Phone, ContactOutcome.LeftMessage, "Left Ottoline a voicemail."),
            new MatchProposed(P(3), Grace, Week.AddDays(-1), null, null, null),
            new ProposalWithdrawn(P(3), Grace, "Ottoline asked for a later start."),
            new MatchProposed(P(4), Grace, Week.AddDays(2), "Evening slot on Tuesdays.", null, null));
        await Append(store, Lifecycle, "clinician-grace", Roles.Clinician, new ProposalAccepted(P(4), Grace, "Happy to see Ottoline."));
        await Append(store, Lifecycle, "coord-1", Roles.Coordinator,
            new FirstSessionBooked(S(1), Grace, Week.AddDays(8), 50, SessionFormat.Telehealth),
            new FirstSessionRescheduled(S(1), Grace, Week.AddDays(8), Week.AddDays(9), 60),
            new FirstSessionCancelled(S(1), Grace, CancelledBy.Client, "Ottoline was unwell."),
            new FirstSessionBooked(S(2), Grace, Week.AddDays(15), 50, SessionFormat.Telehealth),
            new FirstSessionMissed(S(2), Grace, "Ottoline did not join; called her."),
            new FirstSessionBooked(S(3), Grace, Week.AddDays(22), 50, SessionFormat.Telehealth),
            new FirstSessionAttended(S(3), Grace, "Ottoline engaged well."));
    }

    private static async Task SparseReferral(IDocumentStore store)
    {
        var intake = new Intake(
            new ClientDetails("Wilhelmina", "Ostrander", null, "+1 720 555 0177", new DateOnly(2009, 2, 28), "WY", null, null),
            SessionType.Family, [Concern.FamilyDynamics], null, FormatPreference.InPerson,
            new Payment(PaymentMethod.SelfPay, null, null, 120.50m), ["English"], null, null,
            new SafetyAnswers(SelfHarmAnswer.NotAtAll), null, null, new Consent(true, true));
        var proposal = Guid.Parse("0193f000-0000-7000-8000-000000000301");
        await Submit(store, Sparse, intake,
            new ReferralTriaged(TriagePriority.Routine, null),
            new MatchProposed(proposal, Grace, Week.AddDays(3), null, null, null),
            new ProposalWithdrawn(proposal, Grace, "The family found care closer to home.", ClosesReferral: true),
            new ReferralClosed(ClosureOutcome.Withdrawn, "Wilhelmina's family found care closer to home."));
    }

    private static async Task Accesses(IDocumentStore store)
    {
        await using var session = Stamped(store, "coord-1", Roles.Coordinator, "corr-reads");
        AccessLog.Record(session, Lifecycle, AccessLog.ReferralDetail);
        AccessLog.Record(session, Erased, AccessLog.ReferralTimeline);
        AccessLog.RecordSearch(session, AccessLog.AuditExport, "from=2026-12-01&to=2026-12-31&format=ndjson");
        await session.SaveChangesAsync();
    }

    /// <summary>Each table's rows as PostgreSQL gives them (row_to_json), in key order.</summary>
    private static async Task Write(string connectionString, string path, string[] tables)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var root = new JsonObject();
        foreach (var table in tables)
        {
            var key = table switch { "mt_events" => "seq_id", "mt_event_progression" => "name", _ => "id" };
            await using var command = new NpgsqlCommand(
                $"select coalesce(json_agg(row_to_json(t) order by t.{key}), '[]'::json)::text from {MartenSetup.SchemaName}.{table} t", connection);
            root[table] = JsonNode.Parse((string)(await command.ExecuteScalarAsync())!);
        }
        await File.WriteAllTextAsync(path,
            root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
    }
}
