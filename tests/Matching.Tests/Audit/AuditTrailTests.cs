using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;
using Marten;
using Matching.Service.Audit;
using Matching.Service.Clinicians;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Shared;
using Matching.Tests.Support;
using Xunit.Abstractions;
using Matching.Service.Referrals.SubmittingIntake;

namespace Matching.Tests.Audit;

public class AuditTrailTests(AppFixture app) : IClassFixture<AppFixture>
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 16, 0, 0, TimeSpan.Zero);

    /// <summary>Every referral event type, in an order the referral can fold, on one stream.</summary>
    private static object[] WholeLifecycle(Guid clinician)
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid(), c = Guid.NewGuid(), d = Guid.NewGuid(), s1 = Guid.NewGuid(), s2 = Guid.NewGuid(), s3 = Guid.NewGuid();
        return
        [
            new IntakeSubmitted(SubmitIntakeHandler.Kept(Samples.UrgentIntake()), new DateOnly(2026, 3, 2), AgeGroup.Adult),
            new RiskFlagged(SelfHarmAnswer.SeveralDays),
            new RiskEscalated(At, TimeSpan.FromMinutes(15)),
            new RiskAcknowledged(RiskAction.ContactedClient, "Called; safe with family."),
            new ReferralTriaged(TriagePriority.Urgent, "Evenings only."),
            new ReferralWaitlisted("No openings."),
            new WaitlistCheckInDue(1),
            new MatchesSuggested("1", "1", 10, 3, 1, new SuggestionExclusions(1, 1, 0, 0, 0, 0, 0, 0, 0, 0),
                [new SuggestedCandidate(clinician, "Grace Kim", 1, 72.5, [new SuggestionReason("specialty", 30, "trauma, grief")])]),
            new MatchProposed(a, clinician, At.AddDays(3), "Good fit.", null, null),
            new ProposalDeclined(a, clinician, DeclineReason.Other, "Full this month."),
            new MatchProposed(b, Guid.NewGuid(), At.AddDays(3), null, "Only one nearby.", ["payerMismatch"]),
            new ProposalExpired(b, Guid.NewGuid()),
            new MatchProposed(c, Guid.NewGuid(), At.AddDays(3), null, null, null),
            new ProposalWithdrawn(c, Guid.NewGuid(), "Client asked for someone else."),
            new MatchProposed(d, clinician, At.AddDays(3), null, null, null),
            new ProposalAccepted(d, clinician, "Glad to."),
            new ContactAttempted(ContactChannel.Phone, ContactOutcome.Reached, "Spoke briefly."),
            new FirstSessionBooked(s1, clinician, At.AddDays(7), 50, SessionFormat.Telehealth),
            new FirstSessionRescheduled(s1, clinician, At.AddDays(7), At.AddDays(8), 50),
            new FirstSessionCancelled(s1, clinician, CancelledBy.Client, "Sick."),
            new FirstSessionBooked(s2, clinician, At.AddDays(9), 50, SessionFormat.Telehealth),
            new FirstSessionMissed(s2, clinician, "No show."),
            new FirstSessionBooked(s3, clinician, At.AddDays(10), 50, SessionFormat.Telehealth),
            new FirstSessionAttended(s3, clinician, "Went well."),
            new ReferralClosed(ClosureOutcome.Engaged, "Done.", clinician)
        ];
    }

    [Fact]
    public async Task each_event_type_appears_in_the_audit_trail_with_actor_correlation_and_causation()
    {
        var clinician = await app.Host.OnboardedClinician();
        await using (var session = app.Host.StampedSession("admin-1", Roles.Admin, "corr-clinician"))
        {
            var profile = (await session.LoadAsync<Clinician>(clinician))!.Profile;
            session.Events.Append(clinician,
                new ClinicianProfileUpdated(profile),
                new ClinicianCapacityChanged(20, 2, true),
                new ClinicianAvailabilityChanged([new WeeklyWindow(WeekDay.Tuesday, "09:00", "12:00")]),
                new ClinicianPaused("Leave."),
                new ClinicianResumed("Back."),
                new ClinicianOffboarded("Moved away."));
            await session.SaveChangesAsync();
        }

        var referralId = Guid.NewGuid();
        var events = WholeLifecycle(clinician);
        await using (var session = app.Host.StampedSession("coord-7", Roles.Coordinator, "corr-referral"))
        {
            session.Events.StartStream<Referral>(referralId, events);
            await session.SaveChangesAsync();
        }

        var entries = await app.Host.AuditOf(referralId);
        var types = entries.Where(e => e!["kind"]!.GetValue<string>() == "event").Select(e => e!["type"]!.GetValue<string>()).ToList();
        types.ShouldBe(events.Select(e => e.GetType().Name).ToList());
        // Every referral event product.md names is covered here, but ClientDataErased (the erasure tests).
        string[] productEvents =
        [
            "IntakeSubmitted", "RiskFlagged", "RiskAcknowledged", "RiskEscalated", "ReferralTriaged", "MatchesSuggested",
            "MatchProposed", "ProposalAccepted", "ProposalDeclined", "ProposalExpired", "ProposalWithdrawn", "ContactAttempted",
            "FirstSessionBooked", "FirstSessionRescheduled", "FirstSessionCancelled", "FirstSessionAttended", "FirstSessionMissed",
            "ReferralWaitlisted", "WaitlistCheckInDue", "ReferralClosed"
        ];
        productEvents.Except(types).ShouldBeEmpty();
        foreach (var entry in entries.Where(e => e!["kind"]!.GetValue<string>() == "event"))
        {
            entry!["actor"]!["sub"]!.GetValue<string>().ShouldBe("coord-7");
            entry["actor"]!["role"]!.GetValue<string>().ShouldBe(Roles.Coordinator);
            entry["correlationId"]!.GetValue<string>().ShouldBe("corr-referral");
            entry["causationId"]!.GetValue<string>().ShouldBe("cause-corr-referral");
            entry["summary"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
            entry["at"].ShouldNotBeNull();
        }
        entries[0]!["data"]!["intake"]!["client"]!["firstName"]!.GetValue<string>().ShouldBe("Ann");

        var (status, clinicianTrail) = await app.Host.Get("/api/audit/actors/admin-1", Tokens.Compliance);
        status.ShouldBe(HttpStatusCode.OK);
        var clinicianTypes = clinicianTrail!["entries"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()).ToList();
        clinicianTypes.ShouldBe(["ClinicianProfileUpdated", "ClinicianCapacityChanged", "ClinicianAvailabilityChanged",
            "ClinicianPaused", "ClinicianResumed", "ClinicianOffboarded"]);
        clinicianTrail["entries"]!.AsArray().ShouldAllBe(e => e!["correlationId"]!.GetValue<string>() == "corr-clinician");

        await app.Host.ShouldVerify();
    }

    [Fact]
    public async Task commands_over_http_carry_the_signed_in_actor_and_the_request_ids()
    {
        var referral = await app.Host.SubmittedReferral().Triaged();
        var entries = await app.Host.AuditOf(referral.Id);
        var intake = entries.First(e => e!["type"]!.GetValue<string>() == "IntakeSubmitted")!;
        intake["actor"]!["sub"]!.GetValue<string>().ShouldBe("anonymous");
        var triage = entries.First(e => e!["type"]!.GetValue<string>() == "ReferralTriaged")!;
        triage["actor"]!["sub"]!.GetValue<string>().ShouldBe("coord-1");
        triage["correlationId"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        triage["causationId"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task reading_the_detail_and_timeline_records_accesses_without_moving_the_referral()
    {
        var referral = await app.Host.SubmittedReferral().Triaged();
        (await app.Host.Get(referral.Url, Tokens.Coordinator)).Status.ShouldBe(HttpStatusCode.OK);
        (await app.Host.Get($"{referral.Url}/timeline", Tokens.Coordinator)).Status.ShouldBe(HttpStatusCode.OK);

        (await referral.Events()).Count.ShouldBe((int)referral.Version);
        var accesses = (await app.Host.AuditOf(referral.Id)).Where(e => e!["kind"]!.GetValue<string>() == "access").ToList();
        accesses.Select(a => a!["data"]!["resource"]!.GetValue<string>()).ShouldBe([AccessLog.ReferralDetail, AccessLog.ReferralTimeline]);
        accesses.ShouldAllBe(a => a!["actor"]!["sub"]!.GetValue<string>() == "coord-1" && a["type"]!.GetValue<string>() == "PersonalDataAccessed");
        accesses.ShouldAllBe(a => a!["correlationId"] != null);
    }

    [Fact]
    public async Task a_clinician_seeing_an_accepted_clients_contact_is_an_access_and_so_is_an_audit_read()
    {
        var referral = await app.Host.SubmittedReferral().Triaged().Proposed().Accepted();
        var (status, _) = await app.Host.Get("/api/me/proposals?status=all", Tokens.Clinician(referral.ClinicianId!.Value));
        status.ShouldBe(HttpStatusCode.OK);
        await app.Host.AuditOf(referral.Id); // the first audit read is recorded...
        var entries = await app.Host.AuditOf(referral.Id); // ...and shows in the next
        var resources = entries.Where(e => e!["kind"]!.GetValue<string>() == "access").Select(a => a!["data"]!["resource"]!.GetValue<string>()).ToList();
        resources.ShouldContain(AccessLog.ClinicianProposals);
        resources.ShouldContain(AccessLog.AuditReferral);
    }

    [Fact]
    public async Task the_per_actor_view_filters_by_time()
    {
        var sub = $"coord-{Guid.NewGuid():N}";
        var token = Tokens.For(Roles.Coordinator, sub);
        var referral = await app.Host.SubmittedReferral();
        (await referral.Command("triage", new { priority = "routine" }, token)).Status.ShouldBe(HttpStatusCode.OK);
        await app.Host.AuditCaughtUp();

        var (_, all) = await app.Host.Get($"/api/audit/actors/{sub}", Tokens.Compliance);
        all!["entries"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()).ShouldBe(["ReferralTriaged"]);
        var at = all["entries"]![0]!["at"]!.GetValue<DateTimeOffset>();

        var inside = await app.Host.Get($"/api/audit/actors/{sub}?from={Uri.EscapeDataString(at.AddMinutes(-1).ToString("O"))}&to={Uri.EscapeDataString(at.ToString("O"))}", Tokens.Compliance);
        inside.Body!["entries"]!.AsArray().Count.ShouldBe(1);
        var after = await app.Host.Get($"/api/audit/actors/{sub}?from={Uri.EscapeDataString(at.AddSeconds(1).ToString("O"))}", Tokens.Compliance);
        after.Body!["entries"]!.AsArray().Count.ShouldBe(0);
        var day = DateOnly.FromDateTime(at.UtcDateTime);
        var byDates = await app.Host.Get($"/api/audit/actors/{sub}?from={day.AddDays(-1):yyyy-MM-dd}&to={day.AddDays(1):yyyy-MM-dd}", Tokens.Compliance);
        byDates.Body!["entries"]!.AsArray().Count.ShouldBe(1);
        var before = await app.Host.Get($"/api/audit/actors/{sub}?to={day.AddDays(-2):yyyy-MM-dd}", Tokens.Compliance);
        before.Body!["entries"]!.AsArray().Count.ShouldBe(0);

        var (bad, problem) = await app.Host.Get($"/api/audit/actors/{sub}?from=yesterday", Tokens.Compliance);
        bad.ShouldBe(HttpStatusCode.BadRequest);
        problem!["errors"]!["from"].ShouldNotBeNull();
        (await app.Host.Get($"/api/audit/actors/{sub}?from=2026-03-05&to=2026-03-01", Tokens.Compliance)).Status.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task csv_and_ndjson_exports_parse_back_to_the_same_entries()
    {
        await app.Host.SubmittedReferral(urgent: true).RiskAcknowledged().Triaged();
        await app.Host.AuditCaughtUp();

        using var client = app.Host.Client(Tokens.Compliance);
        var ndjson = await client.GetStringAsync("/api/audit/export?format=ndjson");
        var csv = await client.GetStringAsync("/api/audit/export?format=csv");

        var fromJson = ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!).Select(n => new
        {
            Sequence = n["sequence"]!.GetValue<long>(), Kind = n["kind"]!.GetValue<string>(), At = n["at"]!.GetValue<DateTimeOffset>(),
            Type = n["type"]!.GetValue<string>(), Actor = n["actor"]!["sub"]!.GetValue<string>(),
            Correlation = n["correlationId"]?.GetValue<string>(), Data = n["data"]!.ToJsonString(), Hash = n["hash"]!.GetValue<string>(),
            TypeAlias = n["typeAlias"]!.GetValue<string>(), Digests = n["digests"]?.ToJsonString()
        }).ToList();

        var fromCsv = new List<object>();
        using (var reader = CsvReader.Create(new StringReader(csv)))
        {
            while (reader.Read())
            {
                fromCsv.Add(new
                {
                    Sequence = long.Parse(reader.GetString("sequence")), Kind = reader.GetString("kind"),
                    At = DateTimeOffset.Parse(reader.GetString("at"), System.Globalization.CultureInfo.InvariantCulture),
                    Type = reader.GetString("type"), Actor = reader.GetString("actorSub"),
                    Correlation = reader.GetStringOrNull("correlationId") is { Length: > 0 } c ? c : null,
                    Data = JsonNode.Parse(reader.GetString("data"))!.ToJsonString(), Hash = reader.GetString("hash"),
                    TypeAlias = reader.GetString("typeAlias"),
                    Digests = reader.GetStringOrNull("digests") is { Length: > 0 } d ? JsonNode.Parse(d)!.ToJsonString() : null
                });
            }
        }

        fromJson.Count.ShouldBeGreaterThanOrEqualTo(3);
        // The first export's own access entry may reach the trail before the second export reads it.
        fromCsv.Count.ShouldBeInRange(fromJson.Count, fromJson.Count + 1);
        fromCsv.Take(fromJson.Count).ToList().ShouldBe(fromJson.Cast<object>().ToList());
        fromJson.Select(e => e.Sequence).ShouldBeInOrder();
        // What the canonical form needs besides, so a verifier can recompute the chain: columns added at the end.
        AuditExport.CsvHeader[^2..].ShouldBe(["typeAlias", "digests"]);
        fromJson.ShouldAllBe(e => e.TypeAlias.Length > 0);
        fromJson.First(e => e.Type == "IntakeSubmitted").Digests!.ShouldContain("intake.client.firstName");

        await app.Host.AuditCaughtUp();
        var (_, mine) = await app.Host.Get("/api/audit/actors/compliance-1", Tokens.Compliance);
        mine!["entries"]!.AsArray().Count(e => e!["data"]!["resource"]!.GetValue<string>() == AccessLog.AuditExport).ShouldBeGreaterThanOrEqualTo(2);
        (await app.Host.Get("/api/audit/export?format=xml", Tokens.Compliance)).Status.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task an_sql_edit_of_an_event_or_an_audit_row_fails_the_integrity_check_until_restored()
    {
        var referral = await app.Host.SubmittedReferral().Triaged();
        await app.Host.ShouldVerify();
        var triage = (await referral.Events()).Single(e => e.Data is ReferralTriaged);

        var original = await app.Host.Scalar<string>("select data::text from matching.mt_events where seq_id = @seq", ("seq", triage.Sequence));
        const string restore = "update matching.mt_events set data = @data::jsonb where seq_id = @seq";
        (await app.Host.Sql("update matching.mt_events set data = jsonb_set(data, '{priority}', '\"urgent\"') where seq_id = @seq",
            ("seq", triage.Sequence))).ShouldBe(1);
        var failed = await app.Host.Integrity();
        failed["verified"]!.GetValue<bool>().ShouldBeFalse();
        failed["firstMismatch"]!["sequence"]!.GetValue<long>().ShouldBe(triage.Sequence);
        failed["firstMismatch"]!["type"]!.GetValue<string>().ShouldBe("ReferralTriaged");
        failed["firstMismatch"]!["streamId"]!.GetValue<Guid>().ShouldBe(referral.Id);

        await app.Host.Sql(restore, ("seq", triage.Sequence), ("data", original!));
        await app.Host.ShouldVerify();

        // A personal field edited in place is caught through its digest.
        var intake = (await referral.Events()).First();
        var intakeData = await app.Host.Scalar<string>("select data::text from matching.mt_events where seq_id = @seq", ("seq", intake.Sequence));
        await app.Host.Sql("update matching.mt_events set data = jsonb_set(data, '{intake,client,email}', '\"x@example.org\"') where seq_id = @seq", ("seq", intake.Sequence));
        (await app.Host.Integrity())["firstMismatch"]!["sequence"]!.GetValue<long>().ShouldBe(intake.Sequence);
        await app.Host.Sql(restore, ("seq", intake.Sequence), ("data", intakeData!));
        await app.Host.ShouldVerify();

        // So is an edited audit row, or a shifted event time.
        var entry = await app.Host.Scalar<string>("select data::text from matching.mt_doc_auditentry where id = @seq", ("seq", triage.Sequence));
        await app.Host.Sql("update matching.mt_doc_auditentry set data = jsonb_set(data, '{actor,name}', '\"Mallory\"') where id = @seq", ("seq", triage.Sequence));
        (await app.Host.Integrity())["firstMismatch"]!["sequence"]!.GetValue<long>().ShouldBe(triage.Sequence);
        await app.Host.Sql("update matching.mt_doc_auditentry set data = @data::jsonb where id = @seq", ("seq", triage.Sequence), ("data", entry!));
        await app.Host.ShouldVerify();

        await app.Host.Sql("update matching.mt_events set timestamp = timestamp - interval '1 day' where seq_id = @seq", ("seq", triage.Sequence));
        (await app.Host.Integrity())["firstMismatch"]!["sequence"]!.GetValue<long>().ShouldBe(triage.Sequence);
        await app.Host.Sql("update matching.mt_events set timestamp = timestamp + interval '1 day' where seq_id = @seq", ("seq", triage.Sequence));
        await app.Host.ShouldVerify();
    }

    [Fact]
    public async Task an_audit_rows_kind_referral_or_summary_edited_with_sql_fails_the_integrity_check_until_restored()
    {
        var referral = await app.Host.SubmittedReferral().Triaged();
        (await app.Host.Get(referral.Url, Tokens.Coordinator)).Status.ShouldBe(HttpStatusCode.OK);
        await app.Host.ShouldVerify();
        var triage = (await referral.Events()).Single(e => e.Data is ReferralTriaged).Sequence;
        var access = await app.Host.Scalar<long>(
            "select max(id) from matching.mt_doc_auditentry where data->>'kind' = 'access' and referral_id = @id", ("id", referral.Id));

        // None of these is in the chain; each is derived from what is, so each edit shows.
        (long Sequence, string Set, string Reason)[] edits =
        [
            (triage, "data = jsonb_set(data, '{summary}', '\"Triaged as urgent\"')", "audit entry's summary differs from its event"),
            (triage, "data = jsonb_set(data, '{kind}', '\"access\"')", "audit entry's kind differs from its event"),
            (triage, "data = jsonb_set(data, '{referralId}', to_jsonb(gen_random_uuid()::text))", "audit entry's referral differs from its event"),
            (access, "data = jsonb_set(data, '{referralId}', 'null')", "audit entry's referral differs from its event"),
            (access, "data = jsonb_set(data, '{kind}', '\"event\"')", "audit entry's kind differs from its event"),
            // The indexed copies the per-referral and per-user views and the time ranges read.
            (triage, "referral_id = null", "audit entry's indexed referral_id differs from its event"),
            (triage, "actor_sub = 'someone-else'", "audit entry's indexed actor_sub differs from its actor"),
            (triage, "data = jsonb_set(data, '{actorSub}', '\"someone-else\"')", "audit entry's actorSub differs from its actor"),
            (triage, "at = at - interval '1 day'", "audit entry's indexed at differs from its time")
        ];
        foreach (var (sequence, set, reason) in edits)
        {
            var original = await app.Host.Scalar<string>(
                "select row_to_json(e)::text from matching.mt_doc_auditentry e where id = @id", ("id", sequence));
            (await app.Host.Sql($"update matching.mt_doc_auditentry set {set} where id = @id", ("id", sequence))).ShouldBe(1);

            var failed = await app.Host.Integrity();

            failed["verified"]!.GetValue<bool>().ShouldBeFalse(set);
            failed["firstMismatch"]!["sequence"]!.GetValue<long>().ShouldBe(sequence, set);
            failed["firstMismatch"]!["reason"]!.GetValue<string>().ShouldBe(reason, set);
            await app.Host.Sql("""
                update matching.mt_doc_auditentry e set data = r.data, referral_id = r.referral_id, actor_sub = r.actor_sub, at = r.at
                from jsonb_populate_record(null::matching.mt_doc_auditentry, @row::jsonb) r where e.id = @id
                """, ("id", sequence), ("row", original!));
            await app.Host.ShouldVerify();
        }
    }
}
