using System.Net;
using Matching.Tests.Support;

namespace Matching.Tests.Referrals;

/// <summary>Whole referral journeys over HTTP, on PostgreSQL.</summary>
public class ReferralLifecycleTests(LifecycleFixture app) : IClassFixture<LifecycleFixture>
{
    [Fact]
    public async Task referral_goes_from_intake_to_an_attended_first_session()
    {
        var clinician = await app.Host.OnboardedClinician();
        var referral = await app.Host.SubmittedReferral();
        // The intake appends the client's first link with the referral.
        (referral.Status, referral.Version).ShouldBe(("awaitingTriage", 2L));

        referral = await Task.FromResult(referral).Triaged();
        (referral.Status, referral.Version).ShouldBe(("awaitingMatch", 3L));

        var (proposed, proposal) = await referral.Command("proposals", new { clinicianId = clinician, note = "Trauma focus.", expectedVersion = 3 });
        proposed.ShouldBe(HttpStatusCode.Created, proposal?.ToJsonString());
        proposal!["status"]!.GetValue<string>().ShouldBe("proposed");
        proposal["version"]!.GetValue<int>().ShouldBe(4);
        var proposalId = proposal["proposalId"]!.GetValue<Guid>();
        var expiresAt = proposal["expiresAt"]!.GetValue<DateTimeOffset>();
        (expiresAt - app.Host.Now()).ShouldBeInRange(TimeSpan.FromHours(71.9), TimeSpan.FromHours(72));

        var (accepted, acceptance) = await referral.Command($"proposals/{proposalId}/accept", new { expectedVersion = 4 },
            Tokens.Clinician(clinician));
        accepted.ShouldBe(HttpStatusCode.OK, acceptance?.ToJsonString());
        acceptance!["status"]!.GetValue<string>().ShouldBe("accepted");
        acceptance["version"]!.GetValue<int>().ShouldBe(5);

        var startsAt = app.Host.Now().AddMinutes(10);
        var (booked, booking) = await referral.Command("first-session", new { startsAt, format = "inPerson", expectedVersion = 5, overrideReason = ReferralScenarios.AnyTime });
        booked.ShouldBe(HttpStatusCode.Created, booking?.ToJsonString());
        booking!["status"]!.GetValue<string>().ShouldBe("booked");
        booking["version"]!.GetValue<int>().ShouldBe(6);
        booking["sessionId"]!.GetValue<Guid>().ShouldNotBe(Guid.Empty);
        (await app.Host.SlotCount(clinician)).ShouldBe(1);

        var (early, _) = await referral.Command("first-session/outcome", new { outcome = "attended" });
        early.ShouldBe(HttpStatusCode.Conflict);

        app.Clock.Advance(TimeSpan.FromMinutes(15));
        var (attended, closing) = await referral.Command("first-session/outcome", new { outcome = "attended", note = "Went well.", expectedVersion = 6 });
        attended.ShouldBe(HttpStatusCode.OK, closing?.ToJsonString());
        closing!["status"]!.GetValue<string>().ShouldBe("closed");
        closing["version"]!.GetValue<int>().ShouldBe(7);

        (await referral.EventTypes()).ShouldBe([
            "IntakeSubmitted", "ClientLinkIssued", "ReferralTriaged", "MatchProposed", "ProposalAccepted", "FirstSessionBooked", "FirstSessionAttended"
        ]);
        var (closeAgain, _) = await referral.Command("close", new { outcome = "withdrawn" });
        closeAgain.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task declined_clinician_is_not_proposed_again_and_another_is()
    {
        var referral = await app.Host.SubmittedReferral().Triaged().Proposed();
        var (declined, body) = await referral.Command($"proposals/{referral.ProposalId}/decline",
            new { reason = "schedulingConflict" }, Tokens.Clinician(referral.ClinicianId!.Value));
        declined.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        body!["status"]!.GetValue<string>().ShouldBe("awaitingMatch");

        var (again, problem) = await referral.Command("proposals", new { clinicianId = referral.ClinicianId, overrideReason = "Client asked." });
        again.ShouldBe(HttpStatusCode.Conflict, problem?.ToJsonString());
        problem!["code"]!.GetValue<string>().ShouldBe("previouslyDeclined");

        var other = await app.Host.OnboardedClinician(name: "Ana Ruiz");
        var (rematched, proposal) = await referral.Command("proposals", new { clinicianId = other });
        rematched.ShouldBe(HttpStatusCode.Created, proposal?.ToJsonString());
        proposal!["version"]!.GetValue<int>().ShouldBe(6);

        (await referral.EventTypes()).ShouldBe(["IntakeSubmitted", "ClientLinkIssued", "ReferralTriaged", "MatchProposed", "ProposalDeclined", "MatchProposed"]);
    }

    [Fact]
    public async Task decline_with_other_needs_a_note()
    {
        var referral = await app.Host.SubmittedReferral().Triaged().Proposed();
        var (status, problem) = await referral.Command($"proposals/{referral.ProposalId}/decline", new { reason = "other" },
            Tokens.Clinician(referral.ClinicianId!.Value));
        status.ShouldBe(HttpStatusCode.BadRequest, problem?.ToJsonString());
        problem!["errors"]!["note"].ShouldNotBeNull();
        (await referral.Events()).Count.ShouldBe(4);
    }

    [Fact]
    public async Task withdrawn_proposal_returns_the_referral_to_awaiting_match()
    {
        var referral = await app.Host.SubmittedReferral().Triaged().Proposed();

        var (unknown, _) = await referral.Command($"proposals/{Guid.NewGuid()}/withdraw", new { reason = "Client changed their mind." });
        unknown.ShouldBe(HttpStatusCode.NotFound);

        var (withdrawn, body) = await referral.Command($"proposals/{referral.ProposalId}/withdraw", new { reason = "Client changed their mind." });
        withdrawn.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        body!["status"]!.GetValue<string>().ShouldBe("awaitingMatch");
        body["version"]!.GetValue<int>().ShouldBe(5);

        var (again, problem) = await referral.Command($"proposals/{referral.ProposalId}/withdraw", new { reason = "Twice." });
        again.ShouldBe(HttpStatusCode.Conflict, problem?.ToJsonString());

        var (accept, _) = await referral.Command($"proposals/{referral.ProposalId}/accept", new { }, Tokens.Clinician(referral.ClinicianId!.Value));
        accept.ShouldBe(HttpStatusCode.Conflict);
        (await referral.EventTypes()).Last().ShouldBe("ProposalWithdrawn");
    }

    [Fact]
    public async Task clinician_answering_another_clinicians_proposal_gets_not_found()
    {
        var referral = await app.Host.SubmittedReferral().Triaged().Proposed();
        var stranger = await app.Host.OnboardedClinician(name: "Someone Else");

        var (accept, _) = await referral.Command($"proposals/{referral.ProposalId}/accept", new { }, Tokens.Clinician(stranger, "clinician-2"));
        var (decline, _) = await referral.Command($"proposals/{referral.ProposalId}/decline", new { reason = "notAFit" },
            Tokens.Clinician(stranger, "clinician-2"));
        var (unknown, _) = await referral.Command($"proposals/{Guid.NewGuid()}/accept", new { }, Tokens.Clinician(referral.ClinicianId!.Value));
        var (coordinator, _) = await referral.Command($"proposals/{referral.ProposalId}/accept", new { }, Tokens.Coordinator);

        accept.ShouldBe(HttpStatusCode.NotFound);
        decline.ShouldBe(HttpStatusCode.NotFound);
        unknown.ShouldBe(HttpStatusCode.NotFound);
        coordinator.ShouldBe(HttpStatusCode.Forbidden);
        (await referral.Events()).Count.ShouldBe(4);
    }

    [Fact]
    public async Task unknown_clinician_is_not_found_and_unavailable_ones_are_refused()
    {
        var referral = await app.Host.SubmittedReferral().Triaged();
        var missing = Guid.NewGuid();
        var (unknown, problem) = await referral.Command("proposals", new { clinicianId = missing });
        unknown.ShouldBe(HttpStatusCode.NotFound, problem?.ToJsonString());
        problem!["detail"]!.GetValue<string>().ShouldContain(missing.ToString());

        var notAccepting = await app.Host.OnboardedClinician(acceptingNewClients: false);
        (await referral.Command("proposals", new { clinicianId = notAccepting })).Status.ShouldBe(HttpStatusCode.Conflict);

        var paused = await app.Host.OnboardedClinician();
        await app.Host.AppendToClinician(paused, new Matching.Service.Clinicians.ClinicianPaused("Leave"));
        (await referral.Command("proposals", new { clinicianId = paused })).Status.ShouldBe(HttpStatusCode.Conflict);

        var offboarded = await app.Host.OnboardedClinician();
        await app.Host.AppendToClinician(offboarded, new Matching.Service.Clinicians.ClinicianOffboarded("Moved away"));
        (await referral.Command("proposals", new { clinicianId = offboarded })).Status.ShouldBe(HttpStatusCode.Conflict);

        (await referral.Events()).Count.ShouldBe(3);
    }

    [Fact]
    public async Task commands_on_an_unknown_referral_are_not_found()
    {
        var url = $"/api/referrals/{Guid.NewGuid()}";
        (await app.Host.Post($"{url}/contact-attempts", new { channel = "phone", outcome = "reached" }, Tokens.Coordinator)).Status
            .ShouldBe(HttpStatusCode.NotFound);
        (await app.Host.Post($"{url}/close", new { outcome = "duplicate" }, Tokens.Coordinator)).Status.ShouldBe(HttpStatusCode.NotFound);
        (await app.Host.Post($"{url}/proposals", new { clinicianId = Guid.NewGuid() }, Tokens.Coordinator)).Status
            .ShouldBe(HttpStatusCode.NotFound);
        (await app.Host.Post($"{url}/close", new { outcome = "duplicate" }, Tokens.Analyst)).Status.ShouldBe(HttpStatusCode.Forbidden);
    }
}
