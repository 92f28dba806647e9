using System.Net;
using System.Text.Json.Nodes;
using Marten;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Queue;
using Matching.Service.Shared;
using Matching.Tests.Support;
using Weasel.Core;
using static Matching.Tests.Referrals.GivenReferrals;

namespace Matching.Tests.Referrals.Queue;

/// <summary>
/// A queue with rows in each part of the order, on a database of its own, read but never changed by the tests:
/// awaiting acknowledgement and overdue, awaiting and not yet due, not awaiting and overdue, not awaiting and
/// not due (one with no due time, two submitted at the same instant), and two closed referrals.
/// </summary>
public sealed class QueueDataset : AppFixture, IAsyncLifetime
{
    public Guid AwaitingOverdueOlder, AwaitingOverdueNewer, AwaitingNotDue;
    public Guid OverdueOlder, UrgentAcknowledgedOverdue, OverdueNewer;
    public Guid NoDueTime, TieFirst, TieSecond, NotDue, OcdTie;
    public Guid ClosedAwaiting, Closed;
    public Guid ClinicianX, ClinicianY;

    /// <summary>The open queue in the contract's order.</summary>
    public Guid[] OpenOrder => [AwaitingOverdueOlder, AwaitingOverdueNewer, AwaitingNotDue,
        OverdueOlder, UrgentAcknowledgedOverdue, OverdueNewer, NoDueTime, TieFirst, TieSecond, NotDue];

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        var now = DateTimeOffset.UtcNow;
        ClinicianX = await this.Clinician("Grace Kim");
        ClinicianY = await this.Clinician("Ravi Shah");
        var ocd = Samples.Intake() with { Concerns = [Concern.Ocd] };

        AwaitingOverdueOlder = await Flagged(now.AddMinutes(-50), now.AddMinutes(-50), ocd);
        AwaitingOverdueNewer = await Flagged(now.AddMinutes(-40), now.AddMinutes(-40));
        // The oldest intake of all, yet after the overdue ones: it was flagged a minute ago and is not due yet.
        AwaitingNotDue = await Flagged(now.AddMinutes(-300), now.AddMinutes(-1));

        OverdueOlder = await Proposed(now.AddMinutes(-25), ClinicianX, now.AddMinutes(-5));
        UrgentAcknowledgedOverdue = await Flagged(now.AddMinutes(-22), now.AddMinutes(-22));
        await this.Append(UrgentAcknowledgedOverdue, new RiskAcknowledged(RiskAction.ContactedClient, "Called."));
        await ProposeTo(UrgentAcknowledgedOverdue, ClinicianY, now.AddMinutes(-15));
        OverdueNewer = await Proposed(now.AddMinutes(-20), ClinicianX, now.AddMinutes(-10));

        // A proposal withdrawn on the way to closing leaves no due time while the referral is still open.
        NoDueTime = await Proposed(now.AddMinutes(-500), ClinicianY, now.AddDays(1));
        await this.Append(NoDueTime, new ProposalWithdrawn(Guid.NewGuid(), ClinicianY, "Closing.", ClosesReferral: true));
        var sameInstant = now.AddMinutes(-450);
        var tied = new[]
        {
            await Proposed(sameInstant, ClinicianX, now.AddDays(1), ocd),
            await Proposed(sameInstant, ClinicianX, now.AddDays(1))
        };
        OcdTie = tied[0];
        // PostgreSQL orders uuids by their bytes, which is the order of their text.
        (TieFirst, TieSecond) = string.CompareOrdinal(tied[0].ToString(), tied[1].ToString()) < 0 ? (tied[0], tied[1]) : (tied[1], tied[0]);
        NotDue = await Proposed(now.AddMinutes(-400), ClinicianY, now.AddDays(1), ocd);

        Closed = await this.Referral(Submitted().At(now.AddMinutes(-600)));
        await this.Append(Closed, new ReferralClosed(ClosureOutcome.Duplicate, null));
        ClosedAwaiting = await Flagged(now.AddMinutes(-100), now.AddMinutes(-100));
        await this.Append(ClosedAwaiting, new ReferralClosed(ClosureOutcome.Duplicate, null));
    }

    private Task<Guid> Flagged(DateTimeOffset submitted, DateTimeOffset flagged, Intake? intake = null) =>
        this.Referral(Submitted(intake ?? Samples.UrgentIntake()).At(submitted), new RiskFlagged(SelfHarmAnswer.SeveralDays).At(flagged));

    private async Task<Guid> Proposed(DateTimeOffset submitted, Guid clinicianId, DateTimeOffset expiresAt, Intake? intake = null)
    {
        var id = await this.Referral(Submitted(intake).At(submitted));
        await ProposeTo(id, clinicianId, expiresAt);
        return id;
    }

    private Task ProposeTo(Guid id, Guid clinicianId, DateTimeOffset expiresAt) =>
        this.Append(id,
            new ContactAttempted(ContactChannel.Phone, ContactOutcome.Reached, null),
            new ReferralTriaged(TriagePriority.Routine, null),
            new MatchProposed(Guid.NewGuid(), clinicianId, expiresAt, null, null, null));
}

public class QueueOrderAndPagingTests(QueueDataset data) : IClassFixture<QueueDataset>
{
    private async Task<JsonNode> Page(string query)
    {
        var (status, body) = await data.Host.Get($"/api/referrals?{query}", Tokens.Coordinator);
        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        return body!;
    }

    private static List<Guid> Ids(JsonNode page) =>
        page["items"]!.AsArray().Select(i => i!["referralId"]!.GetValue<Guid>()).ToList();

    /// <summary>Every row of the query on one page, in order, and a total that counts exactly them.</summary>
    private async Task Expect(string query, IReadOnlyList<Guid> expected)
    {
        var page = await Page($"pageSize=200&{query}");
        Ids(page).ShouldBe(expected, query);
        page["total"]!.GetValue<long>().ShouldBe(expected.Count, query);
    }

    [Fact]
    public async Task open_queue_runs_awaiting_overdue_then_awaiting_then_overdue_then_the_rest_each_by_intake_then_id()
    {
        await Expect("", data.OpenOrder);
    }

    [Fact]
    public async Task items_say_overdue_exactly_where_the_order_put_them()
    {
        var page = await Page("pageSize=200");

        var overdue = page["items"]!.AsArray().Select(i => i!["overdue"]!.GetValue<bool>()).ToList();
        overdue.ShouldBe([true, true, false, true, true, true, false, false, false, false]);
        page["items"]!.AsArray().Take(3).ShouldAllBe(i => i!["nextAction"]!.GetValue<string>() == "acknowledgeRisk");
        page["items"]![6]!["dueAt"].ShouldBeNull();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    public async Task pages_of_any_size_walk_the_same_order_across_the_parts(int pageSize)
    {
        var walked = new List<Guid>();
        for (var page = 1; ; page++)
        {
            var body = await Page($"pageSize={pageSize}&page={page}");
            body["total"]!.GetValue<long>().ShouldBe(data.OpenOrder.Length);
            body["page"]!.GetValue<int>().ShouldBe(page);
            body["pageSize"]!.GetValue<int>().ShouldBe(pageSize);
            var ids = Ids(body);
            if (ids.Count == 0) break;
            ids.Count.ShouldBeLessThanOrEqualTo(pageSize);
            walked.AddRange(ids);
        }

        walked.ShouldBe(data.OpenOrder);
    }

    [Fact]
    public async Task second_page_starts_inside_the_first_part_and_ends_in_a_later_one()
    {
        // Part one (awaiting and overdue) has 2 rows, part two 1: page 2 of 2 takes the last of part two and the first of part three.
        Ids(await Page("pageSize=2&page=2")).ShouldBe([data.AwaitingNotDue, data.OverdueOlder]);
        Ids(await Page("pageSize=4&page=1")).ShouldBe(data.OpenOrder.Take(4));
        Ids(await Page("pageSize=3&page=2")).ShouldBe(data.OpenOrder.Skip(3).Take(3));
    }

    [Fact]
    public async Task a_page_past_the_end_is_empty_with_the_total()
    {
        var page = await Page("pageSize=50&page=3");

        Ids(page).ShouldBeEmpty();
        page["total"]!.GetValue<long>().ShouldBe(data.OpenOrder.Length);
    }

    [Fact]
    public async Task each_filter_keeps_the_order_and_counts_its_own_total()
    {
        await Expect("overdue=true", [data.AwaitingOverdueOlder, data.AwaitingOverdueNewer, data.OverdueOlder,
            data.UrgentAcknowledgedOverdue, data.OverdueNewer]);
        await Expect("overdue=false", [data.AwaitingNotDue, data.NoDueTime, data.TieFirst, data.TieSecond, data.NotDue]);
        await Expect("urgent=true", [data.AwaitingOverdueOlder, data.AwaitingOverdueNewer, data.AwaitingNotDue,
            data.UrgentAcknowledgedOverdue]);
        await Expect("urgent=false", [data.OverdueOlder, data.OverdueNewer, data.NoDueTime, data.TieFirst, data.TieSecond,
            data.NotDue]);
        await Expect($"clinicianId={data.ClinicianX}", [data.OverdueOlder, data.OverdueNewer, data.TieFirst, data.TieSecond]);
        await Expect("concern=ocd", data.OpenOrder.Where(id => id == data.AwaitingOverdueOlder || id == data.OcdTie || id == data.NotDue).ToList());
        await Expect("status=awaitingTriage", [data.AwaitingOverdueOlder, data.AwaitingOverdueNewer, data.AwaitingNotDue]);
        await Expect("status=proposed", [data.OverdueOlder, data.UrgentAcknowledgedOverdue, data.OverdueNewer,
            data.NoDueTime, data.TieFirst, data.TieSecond, data.NotDue]);
        // Closed rows have no due time: awaiting acknowledgement first, then by intake.
        await Expect("status=closed", [data.ClosedAwaiting, data.Closed]);
    }

    [Fact]
    public async Task filters_combine()
    {
        await Expect($"urgent=false&overdue=true&clinicianId={data.ClinicianX}", [data.OverdueOlder, data.OverdueNewer]);
        await Expect("concern=ocd&overdue=false", [data.OcdTie, data.NotDue]);
        await Expect("status=proposed&urgent=true", [data.UrgentAcknowledgedOverdue]);
        await Expect($"status=proposed&clinicianId={data.ClinicianY}&overdue=false", [data.NotDue]);
        await Expect("status=awaitingTriage&overdue=false&urgent=true", [data.AwaitingNotDue]);
        await Expect("status=closed&overdue=true", []);
        await Expect($"status=waitlisted&clinicianId={data.ClinicianX}", []);
    }

    [Fact]
    public async Task the_queue_indexes_match_the_configured_schema_once_applied()
    {
        // A mismatch would make every schema check drop and rebuild them.
        var queue = ((DocumentStore)data.Store).Options.Storage.FindFeature(typeof(ReferralQueueItem));
        var migration = await data.Store.Storage.Database.CreateMigrationAsync(queue);

        migration.Difference.ShouldBe(SchemaPatchDifference.None);
    }
}
