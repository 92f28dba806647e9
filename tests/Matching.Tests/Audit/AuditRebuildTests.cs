using System.Net;
using Marten;
using Matching.Service.Audit;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Shared;
using Matching.Tests.Support;
using Npgsql;
using Matching.Service.Referrals.SubmittingIntake;

namespace Matching.Tests.Audit;

public class AuditRebuildTests(AppFixture app) : IClassFixture<AppFixture>
{
    /// <summary>Every entry as stored, with the duplicated columns the audit views query by, in chain order.</summary>
    private async Task<List<string>> Entries()
    {
        await app.Host.AuditCaughtUp();
        await using var connection = app.Store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select id::text || ' ' || coalesce(referral_id::text, '-') || ' ' || actor_sub || ' ' || at::text || ' ' || data::text
            from matching.mt_doc_auditentry order by id
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    [Fact]
    public async Task rebuilding_the_trail_over_several_batches_and_an_erasure_gives_the_same_chain_and_verifies()
    {
        // More events than one daemon batch, so the chain crosses batches and read-ahead windows.
        await using (var session = app.Host.StampedSession("coord-3", Roles.Coordinator, "corr-bulk"))
        {
            for (var i = 0; i < AuditProjection.BatchSize / 8 + 20; i++)
            {
                var intake = Samples.Intake() with { Notes = $"Note {i}." };
                session.Events.StartStream<Referral>(Guid.NewGuid(),
                    new IntakeSubmitted(SubmitIntakeHandler.Kept(intake), new DateOnly(2026, 3, 2), AgeGroup.Adult),
                    new ReferralTriaged(TriagePriority.Routine, $"Triage note {i}."),
                    new ContactAttempted(ContactChannel.Phone, ContactOutcome.NoAnswer, null),
                    new ContactAttempted(ContactChannel.Email, ContactOutcome.LeftMessage, $"Left a message {i}."),
                    new ReferralWaitlisted($"Waitlist {i}."),
                    new ReferralClosed(ClosureOutcome.Withdrawn, $"Closed {i}.", null),
                    new ContactAttempted(ContactChannel.Phone, ContactOutcome.Reached, null),
                    new ContactAttempted(ContactChannel.Phone, ContactOutcome.Reached, null));
            }
            await session.SaveChangesAsync();
        }

        // Accesses (a stream per referral, digested under the referral's salt) and an erasure.
        var erased = await app.Host.SubmittedReferral().Triaged();
        (await app.Host.Get(erased.Url, Tokens.Coordinator)).Status.ShouldBe(HttpStatusCode.OK);
        (await app.Host.Post($"{erased.Url}/erasure", new { reason = "Approved by counsel." }, Tokens.Compliance)).Status.ShouldBe(HttpStatusCode.OK);
        var kept = await app.Host.SubmittedReferral().Triaged();
        (await app.Host.Get($"{kept.Url}/timeline", Tokens.Coordinator)).Status.ShouldBe(HttpStatusCode.OK);

        await app.Host.ShouldVerify();
        var live = await Entries();
        live.Count.ShouldBeGreaterThan(AuditProjection.BatchSize);

        // A rebuild deletes the entries only: the digests and salts are kept (an erased referral's salt can't come back).
        var projection = (JasperFx.Events.Projections.ProjectionBase)((StoreOptions)app.Store.Options).Projections.All
            .Single(x => x.Name == AuditProjection.ProjectionName);
        projection.Options.CleanUps.ShouldBe([new JasperFx.Events.Projections.DeleteDocuments(typeof(AuditEntry))]);
        var digests = await app.Host.Scalar<long>("select count(*) from matching.mt_doc_personaldatadigest");

        using var daemon = await app.Store.BuildProjectionDaemonAsync();
        await daemon.RebuildProjectionAsync(AuditProjection.ProjectionName, TimeSpan.FromMinutes(2), CancellationToken.None);

        (await app.Host.Scalar<long>("select count(*) from matching.mt_doc_personaldatadigest")).ShouldBe(digests);
        var rebuilt = await Entries();
        rebuilt.Count.ShouldBe(live.Count);
        // The first difference, not thousands of lines.
        var differs = live.Zip(rebuilt).FirstOrDefault(p => p.First != p.Second);
        differs.Second.ShouldBe(differs.First);
        await app.Host.ShouldVerify();
    }
}
