using System.Net;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Tests.Support;
using static Matching.Tests.Referrals.GivenReferrals;

namespace Matching.Tests.Referrals.ClinicianInbox;

public class MyProposalsTests(AppFixture app) : IClassFixture<AppFixture>
{
    private static readonly Actor ClinicianActor = new("clinician-1", "Grace Kim", Roles.Clinician);

    private async Task<(Guid Referral, Guid Proposal)> Proposed(Guid clinicianId, Intake? intake = null)
    {
        var id = await app.Referral(Submitted(intake));
        var proposal = Guid.NewGuid();
        await app.Append(id,
            new ReferralTriaged(TriagePriority.Routine, null),
            new MatchProposed(proposal, clinicianId, DateTimeOffset.UtcNow.AddDays(3), "Ann asked for evenings", null, null));
        return (id, proposal);
    }

    [Fact]
    public async Task pending_proposal_shows_a_summary_without_anything_that_identifies_the_client()
    {
        var clinician = await app.Clinician("Grace Kim");
        var (referral, proposal) = await Proposed(clinician);

        var (status, body) = await app.Host.Get("/api/me/proposals", Tokens.Clinician(clinician));

        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        var item = body!["items"]!.AsArray().Single()!;
        item["referralId"]!.GetValue<Guid>().ShouldBe(referral);
        item["proposalId"]!.GetValue<Guid>().ShouldBe(proposal);
        item["status"]!.GetValue<string>().ShouldBe("pending");
        item["proposedAt"].ShouldNotBeNull();
        item["expiresAt"].ShouldNotBeNull();
        item["client"].ShouldBeNull();
        // The coordinator's note is for the clinician, but reads without the client's name while pending.
        item["note"]!.GetValue<string>().ShouldBe("[client] asked for evenings");

        var summary = item["summary"]!;
        summary["ageGroup"]!.GetValue<string>().ShouldBe("adult");
        summary["sessionType"]!.GetValue<string>().ShouldBe("individual");
        summary["concerns"]!.AsArray().Select(c => c!.GetValue<string>()).ShouldBe(["trauma", "grief"]);
        summary["format"]!.GetValue<string>().ShouldBe("either");
        summary["state"]!.GetValue<string>().ShouldBe("CO");
        summary["payment"]!["method"]!.GetValue<string>().ShouldBe("insurance");
        summary["payment"]!["payer"]!.GetValue<string>().ShouldBe("Aetna");
        summary["languages"]!.AsArray().Single()!.GetValue<string>().ShouldBe("English");
        summary["availability"]!.AsArray().Single()!["day"]!.GetValue<string>().ShouldBe("monday");
        summary["preferences"]!["clinicianPreferences"]!["gender"]!.GetValue<string>().ShouldBe("female");
        summary["preferences"]!["preferredModalities"]!.AsArray().Single()!.GetValue<string>().ShouldBe("emdr");
        summary["preferences"]!["interestedInKetamineAssistedTherapy"]!.GetValue<bool>().ShouldBeFalse();

        var json = body.ToJsonString();
        foreach (var personal in new[] { "Ann", "Lee", "ann@example.org", "303 555 0100", "1990-04-02", "W123", "Prefers evenings", "80302", "she/her" })
            json.ShouldNotContain(personal, Case.Insensitive);
    }

    [Fact]
    public async Task accepted_proposal_adds_the_clients_contact_details()
    {
        var clinician = await app.Clinician("Grace Kim");
        var (referral, proposal) = await Proposed(clinician);
        await app.Append(referral, ClinicianActor, new ProposalAccepted(proposal, clinician, null));

        var (_, pending) = await app.Host.Get("/api/me/proposals", Tokens.Clinician(clinician));
        pending!["items"]!.AsArray().ShouldBeEmpty();

        var (status, body) = await app.Host.Get("/api/me/proposals?status=all", Tokens.Clinician(clinician));

        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        var item = body!["items"]!.AsArray().Single()!;
        item["status"]!.GetValue<string>().ShouldBe("accepted");
        item["client"]!["firstName"]!.GetValue<string>().ShouldBe("Ann");
        item["client"]!["lastName"]!.GetValue<string>().ShouldBe("Lee");
        item["client"]!["email"]!.GetValue<string>().ShouldBe("ann@example.org");
        item["client"]!["phone"]!.GetValue<string>().ShouldBe("+1 303 555 0100");
        item["client"]!["pronouns"]!.GetValue<string>().ShouldBe("she/her");
        item["client"]!["dateOfBirth"].ShouldBeNull();
        item["note"]!.GetValue<string>().ShouldBe("Ann asked for evenings");
    }

    [Fact]
    public async Task a_pending_note_reads_without_any_of_the_clients_identifiers()
    {
        var clinician = await app.Clinician("Grace Kim");
        var id = await app.Referral(Submitted());
        var proposal = Guid.NewGuid();
        await app.Append(id,
            new ReferralTriaged(TriagePriority.Routine, null),
            new MatchProposed(proposal, clinician, DateTimeOffset.UtcNow.AddDays(3),
                "ANN LEE (born 1990-04-02, 4/2/1990) prefers email ann@example.org over (303) 555-0100; member W123, zip 80302. Trauma focus.",
                null, null));

        var (_, body) = await app.Host.Get("/api/me/proposals", Tokens.Clinician(clinician));

        body!["items"]!.AsArray().Single()!["note"]!.GetValue<string>().ShouldBe(
            "[client] [client] (born [client], [client]) prefers email [client] over ([client]; member [client], zip [client]. Trauma focus.");
    }

    [Fact]
    public async Task declined_proposal_stays_de_identified_in_the_full_list()
    {
        var clinician = await app.Clinician("Grace Kim");
        var (referral, proposal) = await Proposed(clinician);
        await app.Append(referral, ClinicianActor, new ProposalDeclined(proposal, clinician, DeclineReason.NotAFit, null));

        var (_, body) = await app.Host.Get("/api/me/proposals?status=all", Tokens.Clinician(clinician));

        var item = body!["items"]!.AsArray().Single()!;
        item["status"]!.GetValue<string>().ShouldBe("declined");
        item["client"].ShouldBeNull();
        body.ToJsonString().ShouldNotContain("ann@example.org");
    }

    [Fact]
    public async Task another_clinicians_proposals_never_appear()
    {
        var mine = await app.Clinician("Grace Kim");
        var theirs = await app.Clinician("Omar Haddad");
        var (myReferral, _) = await Proposed(mine);
        var (theirReferral, theirProposal) = await Proposed(theirs);
        await app.Append(theirReferral, new ProposalAccepted(theirProposal, theirs, null));

        foreach (var status in new[] { "pending", "all" })
        {
            var (_, body) = await app.Host.Get($"/api/me/proposals?status={status}", Tokens.Clinician(mine));
            body!["items"]!.AsArray().Select(i => i!["referralId"]!.GetValue<Guid>()).ShouldBe([myReferral]);
        }
    }

    [Fact]
    public async Task unknown_status_is_refused()
    {
        var (status, body) = await app.Host.Get("/api/me/proposals?status=everything", Tokens.Clinician(Guid.NewGuid()));

        status.ShouldBe(HttpStatusCode.BadRequest, body?.ToJsonString());
        body!["errors"]!["status"].ShouldNotBeNull();
    }

    [Fact]
    public async Task inbox_is_for_clinicians_only()
    {
        (await app.Host.Get("/api/me/proposals")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await app.Host.Get("/api/me/proposals", Tokens.Coordinator)).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await app.Host.Get("/api/me/proposals", Tokens.Admin)).Status.ShouldBe(HttpStatusCode.Forbidden);
        // A clinician token without a clinician id is not enough.
        (await app.Host.Get("/api/me/proposals", Tokens.For(Roles.Clinician, "no-id"))).Status.ShouldBe(HttpStatusCode.Forbidden);
    }
}
