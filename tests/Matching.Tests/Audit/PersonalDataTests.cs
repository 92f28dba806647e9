using System.Text.Json;
using System.Text.Json.Nodes;
using Matching.Service.Audit;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Queue;
using Matching.Tests.Support;

namespace Matching.Tests.Audit;

/// <summary>
/// The [PersonalData] marks are the one place personal data is declared: the audit chain's digests, erasure (of event rows,
/// audit rows and documents) and the integrity check all read them.
/// </summary>
public class PersonalDataTests
{
    /// <summary>
    /// The paths the audit chain has digested each stored event by since it began (written out here, not derived): stored
    /// chains verify only while the marks give exactly these.
    /// </summary>
    public static TheoryData<string, string, string[]> DigestedPaths() => new()
    {
        {
            "IntakeSubmitted", "intake_submitted",
            ["intake.client.firstName", "intake.client.lastName", "intake.client.email", "intake.client.phone", "intake.client.dateOfBirth",
             "intake.client.postalCode", "intake.client.pronouns", "intake.payment.memberId", "intake.notes", "intake.clientName"]
        },
        {
            "IntakeSubmitted", "intake_submitted_v2",
            ["intake.client.firstName", "intake.client.lastName", "intake.client.email", "intake.client.phone", "intake.client.dateOfBirth",
             "intake.client.postalCode", "intake.client.pronouns", "intake.payment.memberId", "intake.notes"]
        },
        { "RiskAcknowledged", "risk_acknowledged", ["note"] },
        { "ReferralTriaged", "referral_triaged", ["note"] },
        { "MatchProposed", "match_proposed", ["note", "overrideReason"] },
        { "ProposalAccepted", "proposal_accepted", ["note"] },
        { "ProposalDeclined", "proposal_declined", ["note"] },
        { "ProposalWithdrawn", "proposal_withdrawn", ["reason"] },
        { "ContactAttempted", "contact_attempted", ["note"] },
        { "FirstSessionCancelled", "first_session_cancelled", ["reason"] },
        { "FirstSessionAttended", "first_session_attended", ["note"] },
        { "FirstSessionMissed", "first_session_missed", ["note"] },
        { "ReferralWaitlisted", "referral_waitlisted", ["reason"] },
        { "ReferralClosed", "referral_closed", ["note"] },
        { "PersonalDataAccessed", "personal_data_accessed", ["query"] },
        { "RiskFlagged", "risk_flagged", [] },
        { "MatchesSuggested", "matches_suggested", [] },
        { "ClientDataErased", "client_data_erased", [] },
        { "ClinicianOnboarded", "clinician_onboarded", [] }
    };

    [Theory]
    [MemberData(nameof(DigestedPaths))]
    public void the_marks_give_the_paths_the_audit_chain_has_digested_each_event_by(string type, string alias, string[] paths) =>
        (PersonalData.Of(type, alias)?.Fields.Select(f => f.Path.Text) ?? []).ShouldBe(paths);

    [Fact]
    public void erased_values_are_the_marker_a_cleared_date_and_the_older_name_as_its_serializer_computed_it()
    {
        var older = PersonalData.Of("IntakeSubmitted", "intake_submitted")!.Fields.ToDictionary(f => f.Path.Text);
        older["intake.client.firstName"].ErasedValue!.GetValue<string>().ShouldBe("(erased)");
        older["intake.client.dateOfBirth"].ErasedValue.ShouldBeNull();
        older["intake.clientName"].ErasedValue!.GetValue<string>().ShouldBe("(erased) (erased)");
        older["intake.clientName"].IsErased(JsonValue.Create("(erased)")).ShouldBeFalse();
        older["intake.notes"].IsErased(null).ShouldBeTrue();
    }

    [Fact]
    public void masking_a_stored_row_replaces_the_personal_values_present_and_keeps_every_other_key_and_null()
    {
        var row = JsonNode.Parse("""
            {"intake": {"notes": null, "client": {"firstName": "Ann", "lastName": "Lee", "email": null, "dateOfBirth": "1990-04-02", "state": "CO"},
             "payment": {"method": "SelfPay", "maxSessionRate": 120.50}, "isUrgent": true, "clientName": "Ann Lee"}, "ageGroup": "Adult"}
            """)!.AsObject();

        var masked = PersonalData.Of("IntakeSubmitted", "intake_submitted")!.Mask(row);

        masked.ToJsonString().ShouldBe(JsonNode.Parse("""
            {"intake": {"notes": null, "client": {"firstName": "(erased)", "lastName": "(erased)", "email": null, "dateOfBirth": null, "state": "CO"},
             "payment": {"method": "SelfPay", "maxSessionRate": 120.50}, "isUrgent": true, "clientName": "(erased) (erased)"}, "ageGroup": "Adult"}
            """)!.ToJsonString());
        row["intake"]!["client"]!["firstName"]!.GetValue<string>().ShouldBe("Ann", "the row itself is left as it was");
    }

    [Fact]
    public void an_erased_referral_keeps_no_client_detail_note_or_reason_and_every_coded_fact()
    {
        var given = Given.Submitted(urgent: true)
            .RiskAcknowledged().Triaged().Proposed().Declined()
            .Then(new ContactAttempted(ContactChannel.Phone, ContactOutcome.LeftMessage, "Left Ann a voicemail."))
            .Waitlisted().Proposed(Given.ClinicianB, Given.ProposalB).Accepted(Given.ProposalB).Booked()
            .Then(new FirstSessionAttended(Given.SessionA, Given.ClinicianB, "Ann engaged well."));
        var before = given.Referral;

        var erased = given.Then(new ClientDataErased("Approved by counsel.")).Referral;

        erased.PersonalDataErased.ShouldBeTrue();
        erased.Intake.Client.ShouldBe(before.Intake.Client with
        {
            FirstName = "(erased)", LastName = "(erased)", Email = "(erased)", Phone = "(erased)", DateOfBirth = null,
            PostalCode = "(erased)", Pronouns = "(erased)"
        });
        erased.Intake.Payment.MemberId.ShouldBe("(erased)");
        erased.Intake.Notes.ShouldBe("(erased)");
        erased.Risk!.Note.ShouldBe("(erased)");
        erased.Proposals.Select(p => p.AnswerNote).ShouldBe(before.Proposals.Select(p => p.AnswerNote is null ? null : "(erased)"));
        erased.ContactAttempts.Single().Note.ShouldBe("(erased)");
        erased.FirstSession!.Note.ShouldBe("(erased)");
        erased.Closure!.Note.ShouldBe("(erased)");
        before.TextNumber.ShouldBe("+13035550100");
        erased.TextNumber.ShouldBeNull("an inbound text no longer finds an erased client");

        // Everything else is as it was: the referral is still counted and its history still reads.
        var unmarked = JsonSerializer.Serialize(erased with
        {
            Version = before.Version, PersonalDataErased = false, Intake = before.Intake, Risk = before.Risk, Proposals = before.Proposals,
            ContactAttempts = before.ContactAttempts, FirstSession = before.FirstSession, Closure = before.Closure,
            TextNumber = before.TextNumber
        });
        unmarked.ShouldBe(JsonSerializer.Serialize(before));
    }

    [Fact]
    public void an_erased_queue_row_shows_the_marker_for_the_name()
    {
        var row = new ReferralQueueItem { Id = Guid.NewGuid(), ClientName = "Ann Lee", Status = ReferralStatus.AwaitingMatch };
        PersonalData.Erase(row).ShouldBe(row with { ClientName = CoordinatorQueueProjection.ErasedName });
    }
}
