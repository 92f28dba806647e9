using System.Net;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Shared;
using Matching.Tests.Support;
using static Matching.Tests.Referrals.GivenReferrals;
using Matching.Service.Referrals.SubmittingIntake;

namespace Matching.Tests.Referrals.Timeline;

public class ReferralTimelineTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task timeline_lists_the_events_in_stream_order_with_actor_and_summary()
    {
        var clinician = await app.Clinician("Grace Kim");
        var id = await app.Referral(Submitted());
        var proposal = Guid.NewGuid();
        await app.Append(id,
            new ReferralTriaged(TriagePriority.Routine, "Called Ann Lee at ann@example.org"),
            new MatchProposed(proposal, clinician, DateTimeOffset.UtcNow.AddDays(3), null, null, null));
        await app.Append(id, new Actor("clinician-1", "Grace Kim", Roles.Clinician),
            new ProposalDeclined(proposal, clinician, DeclineReason.NoCapacity, "Full until spring"));

        var (status, body) = await app.Host.Get($"/api/referrals/{id}/timeline", Tokens.Coordinator);

        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        var items = body!["items"]!.AsArray();
        items.Select(i => i!["type"]!.GetValue<string>())
            .ShouldBe(["IntakeSubmitted", "ReferralTriaged", "MatchProposed", "ProposalDeclined"]);
        items.Select(i => i!["version"]!.GetValue<int>()).ShouldBe([1, 2, 3, 4]);
        var sequences = items.Select(i => i!["sequence"]!.GetValue<long>()).ToList();
        sequences.ShouldBe(sequences.Order().ToList());
        items.ShouldAllBe(i => i!["at"] != null);

        items[0]!["summary"]!.GetValue<string>().ShouldBe("Intake submitted (individual; trauma, grief)");
        items[0]!["actor"]!["sub"]!.GetValue<string>().ShouldBe("anonymous");
        items[0]!["actor"]!["role"]!.GetValue<string>().ShouldBe("public");
        items[1]!["summary"]!.GetValue<string>().ShouldBe("Triaged as routine");
        items[1]!["actor"]!["sub"]!.GetValue<string>().ShouldBe("coord-1");
        items[1]!["actor"]!["name"]!.GetValue<string>().ShouldBe("Casey Coordinator");
        items[1]!["actor"]!["role"]!.GetValue<string>().ShouldBe("coordinator");
        items[3]!["summary"]!.GetValue<string>().ShouldBe("Proposal declined: noCapacity");
        items[3]!["actor"]!["sub"]!.GetValue<string>().ShouldBe("clinician-1");

        // Summaries are built from codes only: neither the intake nor free-text notes leak into them.
        var summaries = string.Join("\n", items.Select(i => i!["summary"]!.GetValue<string>()));
        foreach (var personal in new[] { "Ann", "Lee", "ann@example.org", "555", "1990", "W123", "Prefers evenings", "spring" })
            summaries.ShouldNotContain(personal);
    }

    [Fact]
    public async Task unknown_referral_is_404()
    {
        var (status, _) = await app.Host.Get($"/api/referrals/{Guid.NewGuid()}/timeline", Tokens.Coordinator);

        status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task timeline_is_for_coordinators_and_admins_only()
    {
        var id = await app.Referral(Submitted());

        (await app.Host.Get($"/api/referrals/{id}/timeline")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await app.Host.Get($"/api/referrals/{id}/timeline", Tokens.Clinician(Guid.NewGuid()))).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await app.Host.Get($"/api/referrals/{id}/timeline", Tokens.Admin)).Status.ShouldBe(HttpStatusCode.OK);
    }
}

/// <summary>The summary sentence of every referral event; no database.</summary>
public class EventSummariesTests
{
    public static TheoryData<object, string> Events => new()
    {
        { new IntakeSubmitted(SubmitIntakeHandler.Kept(Samples.Intake()), new DateOnly(2026, 1, 7), AgeGroup.Adult), "Intake submitted (individual; trauma, grief)" },
        { new RiskFlagged(SelfHarmAnswer.SeveralDays), "Urgent: risk flagged by the safety answer (severalDays)" },
        { new RiskAcknowledged(RiskAction.ReferredToCrisisServices, "Ann is with her sister"), "Risk acknowledged: referredToCrisisServices" },
        { new RiskEscalated(DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(15)), "Risk escalated: not acknowledged within 15 minutes" },
        { new ReferralTriaged(TriagePriority.Urgent, "note"), "Triaged as urgent" },
        { new ProposalAccepted(Guid.Empty, Guid.Empty, "note"), "Proposal accepted" },
        { new ProposalDeclined(Guid.Empty, Guid.Empty, DeclineReason.NoCapacity, "note"), "Proposal declined: noCapacity" },
        { new ProposalExpired(Guid.Empty, Guid.Empty), "Proposal expired without a response" },
        { new ProposalWithdrawn(Guid.Empty, Guid.Empty, "client asked Ann"), "Proposal withdrawn" },
        { new ContactAttempted(ContactChannel.Sms, ContactOutcome.NoAnswer, "note"), "Contact attempt by sms: noAnswer" },
        { new FirstSessionBooked(Guid.Empty, Guid.Empty, new DateTimeOffset(2026, 1, 9, 17, 0, 0, TimeSpan.Zero), 50, SessionFormat.InPerson),
            "First session booked for 2026-01-09T17:00+00:00 (50 min, inPerson)" },
        { new FirstSessionCancelled(Guid.Empty, Guid.Empty, CancelledBy.Client, "sick"), "First session cancelled by client" },
        { new FirstSessionAttended(Guid.Empty, Guid.Empty, null), "First session attended; referral closed (engaged)" },
        { new FirstSessionMissed(Guid.Empty, Guid.Empty, null), "First session missed" },
        { new ReferralWaitlisted("no openings"), "Referral waitlisted" },
        { new WaitlistCheckInDue(2), "Waitlist check-in 2 due" },
        { new ReferralClosed(ClosureOutcome.Unreachable, "note"), "Referral closed: unreachable" },
        { new ClientDataErased("request"), "Client personal data erased" },
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void each_event_reads_as_one_plain_sentence(object eventData, string expected) =>
        EventSummaries.Describe(eventData).ShouldBe(expected);

    private sealed record MatchesSuggested(int Count);

    [Fact]
    public void an_event_without_a_sentence_reads_as_its_name() =>
        EventSummaries.Describe(new MatchesSuggested(3)).ShouldBe("Matches suggested");
}

/// <summary>The words the referral page shows: clinicians named, codes in words, times in the practice's zone; no database.</summary>
public class ReadableSummariesTests
{
    private static readonly TimeZoneInfo Denver = TimeZoneInfo.FindSystemTimeZoneById("America/Denver");
    private static readonly Guid Grace = Guid.Parse("0195a000-0000-7000-8000-00000000000a");
    private static readonly DateTimeOffset Wednesday = new(2026, 12, 9, 18, 31, 0, TimeSpan.Zero);

    private static string Read(object e) => EventSummaries.Readable(e, Denver, id => id == Grace ? "Grace Kim" : null);

    public static TheoryData<object, string> Events => new()
    {
        { new IntakeSubmitted(SubmitIntakeHandler.Kept(Samples.Intake() with { Concerns = [Concern.LgbtqIdentity] }), new DateOnly(2026, 1, 7), AgeGroup.Adult),
            "Intake submitted (individual therapy; LGBTQ+ identity)" },
        { new MatchProposed(Guid.Empty, Grace, Wednesday, "note", null, null), "Proposed to Grace Kim; answer due Wed 9 Dec 11:31 MST" },
        { new MatchProposed(Guid.Empty, Grace, Wednesday, null, "knows the family", ["notLicensedInState"]),
            "Proposed to Grace Kim, overriding the match filters; answer due Wed 9 Dec 11:31 MST" },
        { new ContactAttempted(ContactChannel.Phone, ContactOutcome.LeftMessage, "Ann's voicemail"), "Phone call: left a message" },
        { new ContactAttempted(ContactChannel.Sms, ContactOutcome.NoAnswer, null), "Text message: no answer" },
        { new ProposalDeclined(Guid.Empty, Grace, DeclineReason.NotAFit, "note"), "Grace Kim declined the proposal: not a fit" },
        { new ProposalExpired(Guid.Empty, Guid.NewGuid()), "The proposal to a clinician no longer listed expired without an answer" },
        { new FirstSessionBooked(Guid.Empty, Grace, Wednesday, 50, SessionFormat.InPerson), "First session booked with Grace Kim for Wed 9 Dec 11:31 MST (50 min, in person)" },
        { new FirstSessionRescheduled(Guid.Empty, Grace, Wednesday, Wednesday.AddDays(1), 50),
            "First session with Grace Kim moved from Wed 9 Dec 11:31 MST to Thu 10 Dec 11:31 MST" },
        { new FirstSessionCancelled(Guid.Empty, Grace, CancelledBy.Client, "sick"), "First session with Grace Kim cancelled by the client" },
        { new RiskAcknowledged(RiskAction.ReferredToCrisisServices, "Ann is with her sister"), "Risk acknowledged: referred to crisis services" },
        { new ReferralWaitlisted("Ann asked to wait"), "Referral waitlisted" },
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void each_event_reads_in_words_naming_the_clinician(object eventData, string expected) => Read(eventData).ShouldBe(expected);
}
