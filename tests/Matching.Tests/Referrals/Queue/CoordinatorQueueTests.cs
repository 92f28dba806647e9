using System.Net;
using System.Text.Json.Nodes;
using Matching.Service.Referrals;
using Matching.Service.Shared;
using Matching.Tests.Support;
using static Matching.Tests.Referrals.GivenReferrals;

namespace Matching.Tests.Referrals.Queue;

public class CoordinatorQueueTests(AppFixture app) : IClassFixture<AppFixture>
{
    private async Task<JsonNode> Queue(string query = "")
    {
        var (status, body) = await app.Host.Get($"/api/referrals?pageSize=200{query}", Tokens.Coordinator);
        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        return body!;
    }

    private static List<Guid> Ids(JsonNode page) =>
        page["items"]!.AsArray().Select(i => i!["referralId"]!.GetValue<Guid>()).ToList();

    private static JsonNode Item(JsonNode page, Guid id) =>
        page["items"]!.AsArray().Single(i => i!["referralId"]!.GetValue<Guid>() == id)!;

    private async Task<Guid> Routine(DateTimeOffset at, Intake? intake = null) => await app.Referral(Submitted(intake).At(at));

    private async Task<Guid> UrgentUnacknowledged(DateTimeOffset at) =>
        await app.Referral(Submitted(Samples.UrgentIntake()).At(at), new RiskFlagged(SelfHarmAnswer.SeveralDays).At(at));

    private async Task<Guid> Proposed(DateTimeOffset at, Guid clinicianId, DateTimeOffset expiresAt, Intake? intake = null)
    {
        var id = await Routine(at, intake);
        await app.Append(id,
            new ContactAttempted(ContactChannel.Phone, ContactOutcome.Reached, null),
            new ReferralTriaged(TriagePriority.Routine, null),
            new MatchProposed(Guid.NewGuid(), clinicianId, expiresAt, null, null, null));
        return id;
    }

    [Fact]
    public async Task queue_puts_urgent_unacknowledged_first_then_overdue_then_oldest_intake()
    {
        var now = DateTimeOffset.UtcNow;
        var clinician = await app.Clinician("Grace Kim");
        var oldest = await Routine(now.AddMinutes(-3));
        var newer = await Routine(now.AddMinutes(-2));
        var overdue = await Proposed(now.AddMinutes(-1), clinician, expiresAt: now.AddMinutes(-1));
        var urgent = await UrgentUnacknowledged(now);

        var mine = Ids(await Queue()).Where(id => id == oldest || id == newer || id == overdue || id == urgent).ToList();

        mine.ShouldBe([urgent, overdue, oldest, newer]);
    }

    [Fact]
    public async Task queue_item_carries_the_contract_fields()
    {
        var clinician = await app.Clinician("Grace Kim");
        var expires = DateTimeOffset.UtcNow.AddHours(72);
        var id = await Proposed(DateTimeOffset.UtcNow, clinician, expires);

        var item = Item(await Queue(), id);

        item["clientName"]!.GetValue<string>().ShouldBe("Ann Lee");
        item["status"]!.GetValue<string>().ShouldBe("proposed");
        item["urgent"]!.GetValue<bool>().ShouldBeFalse();
        item["riskAcknowledged"]!.GetValue<bool>().ShouldBeFalse();
        item["concerns"]!.AsArray().Select(c => c!.GetValue<string>()).ShouldBe(["trauma", "grief"]);
        item["submittedAt"].ShouldNotBeNull();
        item["statusSince"].ShouldNotBeNull();
        item["nextAction"]!.GetValue<string>().ShouldBe("awaitClinicianResponse");
        item["dueAt"]!.GetValue<DateTimeOffset>().ShouldBe(expires, TimeSpan.FromMilliseconds(1));
        item["overdue"]!.GetValue<bool>().ShouldBeFalse();
        item["clinicianId"]!.GetValue<Guid>().ShouldBe(clinician);
        item["clinicianName"]!.GetValue<string>().ShouldBe("Grace Kim");
        item["rematchCount"]!.GetValue<int>().ShouldBe(0);
        item["version"]!.GetValue<int>().ShouldBe(4);
    }

    [Fact]
    public async Task a_declined_proposal_counts_a_rematch_and_detaches_the_clinician()
    {
        var clinician = await app.Clinician("Grace Kim");
        var id = await Routine(DateTimeOffset.UtcNow);
        var proposal = Guid.NewGuid();
        await app.Append(id,
            new ReferralTriaged(TriagePriority.Routine, null),
            new MatchProposed(proposal, clinician, DateTimeOffset.UtcNow.AddDays(3), null, null, null),
            new ProposalDeclined(proposal, clinician, DeclineReason.NoCapacity, null));

        var item = Item(await Queue(), id);

        item["status"]!.GetValue<string>().ShouldBe("awaitingMatch");
        item["rematchCount"]!.GetValue<int>().ShouldBe(1);
        item["clinicianId"].ShouldBeNull();
        item["nextAction"]!.GetValue<string>().ShouldBe("contactClient");
    }

    [Fact]
    public async Task each_filter_narrows_the_queue()
    {
        var now = DateTimeOffset.UtcNow;
        var clinician = await app.Clinician("Grace Kim");
        var routine = await Routine(now, Samples.Intake() with { Concerns = [Concern.Ocd] });
        var urgent = await UrgentUnacknowledged(now);
        var overdue = await Proposed(now, clinician, expiresAt: now.AddMinutes(-5));

        var byStatus = await Queue("&status=proposed");
        Ids(byStatus).ShouldContain(overdue);
        Ids(byStatus).ShouldNotContain(routine);
        byStatus["items"]!.AsArray().ShouldAllBe(i => i!["status"]!.GetValue<string>() == "proposed");

        var byUrgent = await Queue("&urgent=true");
        Ids(byUrgent).ShouldContain(urgent);
        byUrgent["items"]!.AsArray().ShouldAllBe(i => i!["urgent"]!.GetValue<bool>());
        Ids(await Queue("&urgent=false")).ShouldNotContain(urgent);

        var byOverdue = await Queue("&overdue=true");
        Ids(byOverdue).ShouldContain(overdue);
        byOverdue["items"]!.AsArray().ShouldAllBe(i => i!["overdue"]!.GetValue<bool>());
        var notOverdue = await Queue("&overdue=false");
        Ids(notOverdue).ShouldNotContain(overdue);
        Ids(notOverdue).ShouldContain(routine);

        var byConcern = await Queue("&concern=ocd");
        Ids(byConcern).ShouldContain(routine);
        Ids(byConcern).ShouldNotContain(urgent);

        Ids(await Queue($"&clinicianId={clinician}")).ShouldBe([overdue]);
    }

    [Fact]
    public async Task closed_referrals_are_left_out_unless_asked_for()
    {
        var id = await Routine(DateTimeOffset.UtcNow);
        await app.Append(id, new ReferralClosed(ClosureOutcome.Duplicate, null));

        Ids(await Queue()).ShouldNotContain(id);
        var closed = await Queue("&status=closed");
        Ids(closed).ShouldContain(id);
        Item(closed, id)["nextAction"].ShouldBeNull();
        Item(closed, id)["overdue"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Fact]
    public async Task pages_report_the_total_and_split_the_rows()
    {
        var now = DateTimeOffset.UtcNow;
        var clinician = await app.Clinician("Grace Kim");
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++) ids.Add(await Proposed(now.AddMinutes(i - 10), clinician, now.AddDays(3)));

        var (_, first) = await app.Host.Get($"/api/referrals?clinicianId={clinician}&pageSize=2", Tokens.Coordinator);
        first!["total"]!.GetValue<int>().ShouldBe(3);
        first["page"]!.GetValue<int>().ShouldBe(1);
        first["pageSize"]!.GetValue<int>().ShouldBe(2);
        Ids(first).ShouldBe(ids.Take(2));

        var (_, second) = await app.Host.Get($"/api/referrals?clinicianId={clinician}&pageSize=2&page=2", Tokens.Coordinator);
        second!["total"]!.GetValue<int>().ShouldBe(3);
        Ids(second).ShouldBe(ids.Skip(2));
    }

    [Theory]
    [InlineData("status=lost", "status")]
    [InlineData("concern=boredom", "concern")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=201", "pageSize")]
    [InlineData("page=0", "page")]
    [InlineData("urgent=maybe", "urgent")]
    [InlineData("clinicianId=nobody", "clinicianId")]
    public async Task bad_filters_are_refused_with_the_field_named(string query, string field)
    {
        var (status, body) = await app.Host.Get($"/api/referrals?{query}", Tokens.Coordinator);

        status.ShouldBe(HttpStatusCode.BadRequest, body?.ToJsonString());
        body!["errors"]![field].ShouldNotBeNull();
    }

    [Fact]
    public async Task queue_is_for_coordinators_and_admins_only()
    {
        (await app.Host.Get("/api/referrals")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await app.Host.Get("/api/referrals", Tokens.Clinician(Guid.NewGuid()))).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await app.Host.Get("/api/referrals", Tokens.Analyst)).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await app.Host.Get("/api/referrals", Tokens.Admin)).Status.ShouldBe(HttpStatusCode.OK);
    }
}
