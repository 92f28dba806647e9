using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using JasperFx.Events;
using Marten;
using Marten.Events;
using Matching.Service.Audit;
using Matching.Service.Clinicians;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Erasing;
using Matching.Service.Referrals.Queue;
using Matching.Tests.Support;
using Npgsql;

namespace Matching.Tests.StoredEvents;

/// <summary>
/// Every captured set of stored events (Fixtures/{set}, see <see cref="StoredEventsCapture"/>) loaded row for row into a real
/// store, then read, folded and erased by today's code: what databases hold keeps loading, rebuilds into the documents the
/// code of its day made, and keeps its audit chain (docs/adr/0026-event-versions.md).
/// </summary>
public class StoredEventsTests
{
    public static TheoryData<string> Sets() => new(Directory.GetDirectories(StoredEventsCapture.FixturesFolder).Select(Path.GetFileName).Order()!);

    /// <summary>The set captured before IntakeSubmitted had its own records: the request's, and older rows with clientName.</summary>
    private const string FirstSet = "2026-12-06-intake-v1";

    [Theory]
    [MemberData(nameof(Sets))]
    public async Task every_stored_event_reads_as_todays_type(string set)
    {
        await using var store = await Restored(set, "events.json");
        await using var session = store.QuerySession();
        var rows = Rows(set, "events.json", "mt_events");
        var all = new List<IEvent>();
        foreach (var stream in Rows(set, "events.json", "mt_streams").Select(s => s["id"]!.GetValue<Guid>()))
        {
            var events = await session.Events.FetchStreamAsync(stream);
            events.Count.ShouldBe(rows.Count(r => r["stream_id"]!.GetValue<Guid>() == stream));
            events.ShouldAllBe(e => e.Data.GetType().Namespace!.StartsWith("Matching.Service") && !e.Data.GetType().Name.EndsWith("V1"));
            all.AddRange(events);
        }

        var intakes = all.Where(e => e.Data is IntakeSubmitted).ToList();
        intakes.Count.ShouldBe(rows.Count(r => r["type"]!.GetValue<string>().StartsWith("intake_submitted")));
        foreach (var submitted in intakes.Select(e => (IntakeSubmitted)e.Data))
        {
            submitted.Intake.Client.State.ShouldNotBeNull();
            submitted.Intake.Concerns.ShouldNotBeEmpty();
            submitted.Intake.Languages.ShouldNotBeEmpty();
            submitted.Intake.Consent.ShouldBe(new IntakeConsent(true, true));
        }

        if (set != FirstSet) return;
        // An older row: the request's records with clientName and isUrgent, read as today's records.
        var older = (IntakeSubmitted)(await session.Events.FetchStreamAsync(StoredEventsCapture.Older))[0].Data;
        older.Intake.Client.FullName.ShouldBe("Perpetua Fennimore");
        older.Intake.Safety.ThoughtsOfSelfHarm.ShouldBe(SelfHarmAnswer.NotAtAll);
        older.Intake.Availability!.Select(w => (w.Day, w.From, w.To))
            .ShouldBe([(Service.Shared.WeekDay.Tuesday, "18:00", "20:30"), (Service.Shared.WeekDay.Saturday, "09:00", "12:00")]);
        var olderErased = (IntakeSubmitted)(await session.Events.FetchStreamAsync(StoredEventsCapture.OlderErased))[0].Data;
        olderErased.Intake.Client.FirstName.ShouldBe(PersonalData.Erased);
        olderErased.Intake.Client.DateOfBirth.ShouldBeNull();
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public async Task stored_streams_fold_into_the_aggregate_and_rebuild_the_documents_and_the_trail_the_code_of_their_day_made(string set)
    {
        await using var store = await Restored(set, "events.json", "audit.json");

        // The aggregate, folded straight from the stream.
        await using (var session = store.QuerySession())
        {
            foreach (var captured in Rows(set, "documents.json", "mt_doc_referral"))
            {
                var referral = await session.Events.AggregateStreamAsync<Referral>(captured["id"]!.GetValue<Guid>());
                var folded = JsonNode.Parse(store.Options.Serializer().ToJson(referral))!;
                Differences(WithoutVersion(captured["data"]!), WithoutVersion(folded)).ShouldBeEmpty();
            }
        }

        // Every projection rebuilt from the rows: the documents, and the audit trail with the digests kept.
        var projections = ((StoreOptions)store.Options).Projections.All.Select(p => p.Name).ToList();
        projections.ShouldContain(AuditProjection.ProjectionName);
        using (var daemon = await store.BuildProjectionDaemonAsync())
        {
            foreach (var projection in projections) await daemon.RebuildProjectionAsync(projection, TimeSpan.FromMinutes(1), CancellationToken.None);
        }
        foreach (var (file, table) in new[] { ("documents.json", "mt_doc_referral"), ("documents.json", "mt_doc_referralqueueitem"),
                     ("documents.json", "mt_doc_referralfacts"), ("documents.json", "mt_doc_clinician"), ("audit.json", "mt_doc_auditentry") })
        {
            var rebuilt = await Table(store, table);
            var captured = Rows(set, file, table);
            rebuilt.Select(r => r["id"]!.ToJsonString()).ShouldBe(captured.Select(r => r["id"]!.ToJsonString()), table);
            foreach (var (before, after) in captured.Zip(rebuilt))
            {
                if (table == "mt_doc_referralqueueitem")
                {
                    // The queue's next step and due time follow today's rule (ServiceLevels), which a rebuild re-dates them by
                    // (docs/domain.md); every fact they are computed from must come back as it was.
                    Differences(WithoutNextStep(before["data"]!), WithoutNextStep(after["data"]!)).ShouldBeEmpty($"{table} {before["id"]}");
                    var row = store.Options.Serializer().FromJson<ReferralQueueItem>(new MemoryStream(Encoding.UTF8.GetBytes(after["data"]!.ToJsonString())));
                    var step = ServiceLevels.Next(row, new MatchingOptions());
                    (row.NextAction, row.DueAt).ShouldBe((step.Action, step.DueAt?.ToUniversalTime()), $"{table} {before["id"]}");
                    continue;
                }
                Differences(WithoutVersion(before["data"]!), WithoutVersion(after["data"]!)).ShouldBeEmpty($"{table} {before["id"]}");
            }
        }
        (await AuditIntegrity.VerifyAsync(store, null, CancellationToken.None)).Verified.ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public async Task the_stored_trail_verifies_and_todays_marks_digest_every_row_as_it_was_digested(string set)
    {
        await using var store = await Restored(set, "events.json", "audit.json");

        var report = await AuditIntegrity.VerifyAsync(store, null, CancellationToken.None);
        report.Verified.ShouldBeTrue(report.FirstMismatch?.ToString());
        report.Checked.ShouldBe(Rows(set, "events.json", "mt_events").Count);

        var salts = Rows(set, "audit.json", "mt_doc_digestsalt")
            .ToDictionary(s => s["id"]!.GetValue<Guid>(), s => Convert.FromBase64String(s["data"]!["key"]!.GetValue<string>()));
        var digests = Rows(set, "audit.json", "mt_doc_personaldatadigest").ToDictionary(d => d["id"]!.GetValue<long>(), d => d["data"]!);
        foreach (var row in Rows(set, "events.json", "mt_events"))
        {
            var personal = PersonalData.Of(EventVersions.ClrName(row["mt_dotnet_type"]!.GetValue<string>()), row["type"]!.GetValue<string>());
            var data = row["data"]!.AsObject();
            var present = (personal?.Fields ?? []).Where(f => f.Path.Get(data) is not null).ToList();
            if (!digests.TryGetValue(row["seq_id"]!.GetValue<long>(), out var digest))
            {
                present.ShouldBeEmpty($"event {row["seq_id"]} holds personal values its day did not digest");
                continue;
            }
            var stored = digest["digests"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
            stored.Keys.ShouldBeSubsetOf(personal!.Fields.Select(f => f.Path.Text), $"event {row["seq_id"]}");
            if (salts.TryGetValue(digest["subjectId"]!.GetValue<Guid>(), out var salt))
            {
                present.Select(f => f.Path.Text).Order().ShouldBe(stored.Keys.Order(), $"event {row["seq_id"]}");
                present.ShouldAllBe(f => AuditChain.Digest(salt, f.Path.Text, f.Path.Get(data)!) == stored[f.Path.Text]);
            }
            else
            {
                // Shredded: every value erased as the marks say (a cleared date no longer shows), each digested before.
                present.Select(f => f.Path.Text).ShouldBeSubsetOf(stored.Keys, $"event {row["seq_id"]}");
                present.ShouldAllBe(f => f.IsErased(f.Path.Get(data)));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public async Task erasing_a_stored_referral_masks_each_row_in_the_shape_it_was_stored_in_and_the_chain_still_verifies(string set)
    {
        // The documents too: the snapshots and queue rows the code of their day wrote, read by today's.
        await using var store = await Restored(set, "events.json", "audit.json", "documents.json");
        var referrals = set == FirstSet ? new[] { StoredEventsCapture.Older, StoredEventsCapture.Lifecycle } : [StoredEventsCapture.Lifecycle];
        var before = await EventRows(store, referrals);

        using var daemon = await store.BuildProjectionDaemonAsync();
        await daemon.StartAllAsync();
        foreach (var referral in referrals)
        {
            await using var session = store.LightweightSession();
            session.SetHeader(Actor.SubHeader, "compliance-1");
            session.SetHeader(Actor.RoleHeader, Roles.Compliance);
            var command = new EraseClientData("Approved by counsel.") { ReferralId = referral };
            var answer = await EraseClientDataHandler.Handle(
                command, (await EraseClientDataHandler.LoadAsync(command, session, CancellationToken.None))!, session, CancellationToken.None);
            answer.ReferralId.ShouldBe(referral);
        }
        await store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
        await daemon.StopAllAsync();

        var after = await EventRows(store, referrals);
        foreach (var (sequence, (alias, dotnetType, data)) in before)
        {
            var masked = after[sequence].Data;
            // The same keys everywhere (older keys too): only personal values change.
            Keys(masked).ShouldBe(Keys(data), $"event {sequence}");
            var personal = PersonalData.Of(EventVersions.ClrName(dotnetType), alias);
            foreach (var field in personal?.Fields ?? [])
                field.IsErased(field.Path.Get(masked)).ShouldBeTrue($"event {sequence} {field.Path}");
            Differences(data, personal is null ? masked : Unmasked(personal, data, masked)).ShouldBeEmpty($"event {sequence}");
        }
        if (set == FirstSet)
        {
            var olderIntake = after.Values.First(r => r.Alias == "intake_submitted" && r.Data.ToJsonString().Contains("\"isUrgent\"")).Data["intake"]!;
            olderIntake["clientName"]!.GetValue<string>().ShouldBe("(erased) (erased)");
            olderIntake["isUrgent"]!.GetValue<bool>().ShouldBeFalse();
        }

        var report = await AuditIntegrity.VerifyAsync(store, null, CancellationToken.None);
        report.Verified.ShouldBeTrue(report.FirstMismatch?.ToString());
        var trail = await Table(store, "mt_doc_auditentry");
        foreach (var secret in new[] { "Perpetua", "Fennimore", "Ottoline", "Marchbanks", "Ignatius", "1988-07-19", "MBR-" })
            trail.Where(e => referrals.Contains(e["data"]!["referralId"]?.GetValue<Guid>() ?? Guid.Empty))
                .ShouldAllBe(e => !e["data"]!["data"]!.ToJsonString().Contains(secret));
        await using var query = store.QuerySession();
        foreach (var referral in referrals)
        {
            var snapshot = (await query.LoadAsync<Referral>(referral))!;
            snapshot.PersonalDataErased.ShouldBeTrue();
            snapshot.Intake.Client.FirstName.ShouldBe(PersonalData.Erased);
            snapshot.Intake.Notes.ShouldBe(PersonalData.Erased);
        }
    }

    [Fact]
    public async Task an_older_onboarding_keeps_only_the_windows_with_a_day_and_times_the_engine_could_read()
    {
        // Onboarding didn't check availability before 2026-12-06: a stored row may hold anything the request's record allowed.
        await using var store = await Restored(FirstSet, "events.json");
        await using (var connection = store.Storage.Database.CreateConnection())
        {
            await connection.OpenAsync();
            await using var edit = new NpgsqlCommand($$"""
                update {{MartenSetup.SchemaName}}.mt_events set data = jsonb_set(data, '{availability}',
                  '[{"day": null, "from": "09:00", "to": "17:00"}, {"day": "Monday", "from": "9am", "to": "17:00"}, null,
                    {"day": "Tuesday", "from": "18:00", "to": "08:00"}, {"day": "Friday", "from": "10:00", "to": "12:30"}]')
                where stream_id = @id and type = 'clinician_onboarded'
                """, connection);
            edit.Parameters.AddWithValue("id", StoredEventsCapture.Omar);
            (await edit.ExecuteNonQueryAsync()).ShouldBe(1);
        }

        await using var session = store.QuerySession();
        var onboarded = (ClinicianOnboarded)(await session.Events.FetchStreamAsync(StoredEventsCapture.Omar))[0].Data;
        onboarded.Availability.ShouldBe([new Service.Shared.WeeklyWindow(Service.Shared.WeekDay.Friday, "10:00", "12:30")]);
        (await session.Events.AggregateStreamAsync<Clinician>(StoredEventsCapture.Omar))!.Availability
            .ShouldBe([new Service.Shared.AvailabilityWindow(Service.Shared.WeekDay.Friday, "10:00", "12:30")]);
    }

    [Fact]
    public async Task todays_versions_are_stored_under_their_own_aliases_and_read_back_as_written()
    {
        var connectionString = await TestDatabase.CreateDatabaseAsync("current");
        await using var store = new DocumentStore(MartenSetup.ConfigureStore(new StoreOptions(), connectionString, new MatchingOptions(), applySchema: true));
        // The whole schema first, as start-up and db-apply make it: the queue's search index needs its extension.
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var (referral, clinician) = (Guid.NewGuid(), Guid.NewGuid());
        var submitted = Samples.Submitted(Samples.Intake());
        var onboarded = (ClinicianOnboarded)Service.Clinicians.Onboarding.OnboardClinicianHandler.Decide(Samples.Clinician())[0];
        var changed = new ClinicianAvailabilityChanged([new Service.Shared.WeeklyWindow(Service.Shared.WeekDay.Sunday, "10:00", "11:00")]);
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream<Referral>(referral, submitted);
            session.Events.StartStream<Clinician>(clinician, onboarded, changed);
            await session.SaveChangesAsync();
        }

        await using var query = store.QuerySession();
        var events = (await query.Events.FetchStreamAsync(referral)).Concat(await query.Events.FetchStreamAsync(clinician)).ToList();
        events.Select(e => e.EventTypeName).ShouldBe(["intake_submitted_v2", "clinician_onboarded_v2", "clinician_availability_changed_v2"]);
        events.Select(e => JsonSerializer.Serialize(e.Data)).ShouldBe(new object[] { submitted, onboarded, changed }.Select(e => JsonSerializer.Serialize(e)));
        (await query.LoadAsync<Referral>(referral))!.Intake.Client.FullName.ShouldBe("Ann Lee");
    }

    /// <summary>A fresh database holding the set's rows of the files named, exactly as captured.</summary>
    private static async Task<DocumentStore> Restored(string set, params string[] files)
    {
        var connectionString = await TestDatabase.CreateDatabaseAsync("stored");
        var store = new DocumentStore(MartenSetup.ConfigureStore(new StoreOptions(), connectionString, new MatchingOptions(), applySchema: true));
        await SchemaOnStartup.ApplyAsync(store, CancellationToken.None);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var (file, tables) in StoredEventsCapture.Files.Where(f => files.Contains(f.Key)))
        {
            foreach (var table in tables)
            {
                await using var insert = new NpgsqlCommand(
                    $"insert into {MartenSetup.SchemaName}.{table} select * from json_populate_recordset(null::{MartenSetup.SchemaName}.{table}, @rows::json)",
                    connection);
                insert.Parameters.AddWithValue("rows", Json(set, file)[table]!.ToJsonString());
                await insert.ExecuteNonQueryAsync();
            }
        }
        await using var sequence = new NpgsqlCommand(
            $"select setval(pg_get_serial_sequence('{MartenSetup.SchemaName}.mt_events', 'seq_id'), (select max(seq_id) from {MartenSetup.SchemaName}.mt_events))",
            connection);
        await sequence.ExecuteNonQueryAsync();
        return store;
    }

    private static JsonObject Json(string set, string file) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(StoredEventsCapture.FixturesFolder, set, file)))!.AsObject();

    private static List<JsonObject> Rows(string set, string file, string table) => Json(set, file)[table]!.AsArray().Select(r => r!.AsObject()).ToList();

    private static async Task<List<JsonObject>> Table(IDocumentStore store, string table)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select coalesce(json_agg(row_to_json(t) order by t.id), '[]'::json)::text from {MartenSetup.SchemaName}.{table} t", connection);
        return JsonNode.Parse((string)(await command.ExecuteScalarAsync())!)!.AsArray().Select(r => r!.AsObject()).ToList();
    }

    private static async Task<Dictionary<long, (string Alias, string DotnetType, JsonObject Data)>> EventRows(IDocumentStore store, Guid[] streams)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select seq_id, type, mt_dotnet_type, data::text from {MartenSetup.SchemaName}.mt_events where stream_id = any(@ids)", connection);
        command.Parameters.AddWithValue("ids", streams);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<long, (string, string, JsonObject)>();
        while (await reader.ReadAsync())
            rows[reader.GetInt64(0)] = (reader.GetString(1), reader.GetString(2), JsonNode.Parse(reader.GetString(3))!.AsObject());
        return rows;
    }

    /// <summary>The masked row with its personal values put back from the original: equal to the original when nothing else moved.</summary>
    private static JsonObject Unmasked(PersonalShape personal, JsonObject original, JsonObject masked)
    {
        var copy = masked.DeepClone().AsObject();
        foreach (var field in personal.Fields)
        {
            if (field.Path.Get(original) is { } value) field.Path.Set(copy, value.DeepClone());
        }
        return copy;
    }

    /// <summary>A queue row's JSON without what today's rule and search recompute on a rebuild.</summary>
    private static JsonNode WithoutNextStep(JsonNode document)
    {
        var copy = WithoutVersion(document).AsObject();
        copy.Remove("nextAction");
        copy.Remove("dueAt");
        // Kept on the row for the queue's search since these sets were stored; QueueSearchTests cover them.
        copy.Remove("reference");
        copy.Remove("searchText");
        return copy;
    }

    /// <summary>A document's JSON without its version: Marten keeps that in a column, and the copy in the JSON depends on how it was written.</summary>
    private static JsonNode WithoutVersion(JsonNode document)
    {
        var copy = document.DeepClone().AsObject();
        copy.Remove("version");
        return copy;
    }

    private static List<string> Keys(JsonNode? node, string prefix = "") => node switch
    {
        JsonObject obj => obj.SelectMany(p => new[] { prefix + p.Key }.Concat(Keys(p.Value, prefix + p.Key + "."))).Order(StringComparer.Ordinal).ToList(),
        JsonArray array => array.SelectMany((item, i) => Keys(item, $"{prefix}{i}.")).ToList(),
        _ => []
    };

    /// <summary>Members documents have gained since the stored sets were made: absent from a stored document, they are not a difference.</summary>
    private static readonly HashSet<string> AddedSinceTheStoredSets =
        ["$.firstSession.reschedules", "$.firstSession.reminded", "$.clientLinks", "$.textsStopped", "$.textNumber",
            "$.selfBooked", "$.reminders", "$.sessionOutcomes",
            // The queue row's contact details, kept so a client's correction updates its search text.
            "$.clientEmail", "$.clientPhone",
            // The report facts' source, for the funnel by source.
            "$.source", "$.organization"];

    /// <summary>
    /// Where two JSON documents differ, keys in any order. Times compare to the microsecond: a document made live holds the
    /// event's time to the tick, one rebuilt holds what PostgreSQL kept of it.
    /// </summary>
    private static List<string> Differences(JsonNode? expected, JsonNode? actual, string path = "$")
    {
        switch (expected, actual)
        {
            case (null, null):
                return [];
            case (JsonObject e, JsonObject a):
                return e.Select(p => p.Key).Union(a.Select(p => p.Key))
                    .Where(k => e.ContainsKey(k) || !AddedSinceTheStoredSets.Contains($"{path}.{k}"))
                    .SelectMany(k => Differences(e[k], a[k], $"{path}.{k}")).ToList();
            case (JsonArray e, JsonArray a) when e.Count == a.Count:
                return e.Zip(a).SelectMany((p, i) => Differences(p.First, p.Second, $"{path}[{i}]")).ToList();
            case (JsonValue e, JsonValue a) when Time(e) is { } te && Time(a) is { } ta:
                return Math.Abs((te - ta).Ticks) < 10 ? [] : [$"{path}: {e.ToJsonString()} != {a.ToJsonString()}"];
            default:
                return JsonNode.DeepEquals(expected, actual) ? [] : [$"{path}: {expected?.ToJsonString()} != {actual?.ToJsonString()}"];
        }
    }

    private static DateTimeOffset? Time(JsonValue value) =>
        value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is { Length: > 20 } text && text[10] == 'T'
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            ? at
            : null;
}
