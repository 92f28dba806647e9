using System.Text.Json.Nodes;

namespace Matching.Service.Infrastructure;

/// <summary>
/// An example of every request body, by its schema's name, for the API document. Each is a request the service accepts
/// (a test sends every one of them through the lifecycle), so a generated client's docs show something that works.
/// </summary>
public static class ApiExamples
{
    private const string Clinician = "0192f4a0-7c1e-7d35-9a3e-0f6f4b7c2d10";

    private static readonly Dictionary<string, string> Bodies = new()
    {
        ["Intake"] = """
            {
              "client": { "firstName": "Avery", "lastName": "Jordan", "email": "avery.jordan@example.org", "phone": "+1 303 555 0142",
                          "dateOfBirth": "1991-04-12", "state": "CO", "postalCode": "80202", "pronouns": "they/them" },
              "sessionType": "individual",
              "concerns": ["anxiety", "sleep"],
              "preferredModalities": ["cbt"],
              "format": "either",
              "payment": { "method": "insurance", "payer": "Aetna", "memberId": "W123456789" },
              "languages": ["English"],
              "clinicianPreferences": { "gender": "female", "lgbtqAffirming": true },
              "availability": [{ "day": "tuesday", "from": "17:00", "to": "20:00" }],
              "safety": { "thoughtsOfSelfHarm": "notAtAll" },
              "interestedInKetamineAssistedTherapy": false,
              "notes": "Evenings work best.",
              "consent": { "contact": true, "privacyNoticeAccepted": true, "textMessagesOk": true }
            }
            """,
        ["TriageReferral"] = """{ "priority": "routine", "note": "Straightforward; anxiety first.", "expectedVersion": 1 }""",
        ["AcknowledgeRisk"] = """{ "actionTaken": "contactedClient", "note": "Spoke with the client; safety plan in place.", "expectedVersion": 2 }""",
        ["SuggestMatches"] = """{ "limit": 10, "expectedVersion": 2 }""",
        ["ProposeMatch"] = $$"""{ "clinicianId": "{{Clinician}}", "note": "Evening availability matches.", "expectedVersion": 3 }""",
        ["AcceptProposal"] = """{ "note": "Happy to take this client.", "expectedVersion": 4 }""",
        ["DeclineProposal"] = """{ "reason": "noCapacity", "note": "Full until March.", "expectedVersion": 4 }""",
        ["WithdrawProposal"] = """{ "reason": "Client asked for someone closer to home.", "expectedVersion": 4 }""",
        ["RecordContactAttempt"] = """{ "channel": "phone", "outcome": "reached", "note": "Confirmed evenings.", "expectedVersion": 5 }""",
        ["BookFirstSession"] = """{ "startsAt": "2027-01-12T17:00:00-07:00", "durationMinutes": 50, "format": "telehealth", "expectedVersion": 5 }""",
        ["RescheduleFirstSession"] = """{ "startsAt": "2027-01-14T17:00:00-07:00", "expectedVersion": 6 }""",
        ["CancelFirstSession"] = """{ "by": "client", "reason": "Moving out of state.", "expectedVersion": 6 }""",
        ["SelfBookFirstSession"] = """{ "startsAt": "2027-01-11T10:00:00-07:00", "format": "telehealth" }""",
        ["SelfRescheduleFirstSession"] = """{ "startsAt": "2027-01-18T10:00:00-07:00" }""",
        ["SelfCancelFirstSession"] = """{ "reason": "I found a time closer to home." }""",
        ["RecordFirstSessionOutcome"] = """{ "outcome": "attended", "note": "Intake session held.", "expectedVersion": 6 }""",
        ["WaitlistReferral"] = """{ "reason": "No Spanish-speaking clinician has room this month.", "expectedVersion": 3 }""",
        ["CloseReferral"] = """{ "outcome": "withdrawn", "note": "Found a therapist through work.", "expectedVersion": 7 }""",
        ["CorrectContact"] = """{ "email": "avery.j@example.org", "phone": "+1 720 555 0188", "textMessagesOk": true }""",
        ["WithdrawRequest"] = """{ "reason": "I found support closer to home." }""",
        ["EraseClientData"] = """{ "reason": "Client's request of 2026-12-01.", "expectedVersion": 8 }""",
        ["OnboardClinician"] = """
            {
              "name": "Rafael Castillo", "credentials": "LPC", "email": "rafael.castillo@example.org", "timeZone": "America/Denver",
              "licensedStates": ["CO", "WY"], "officeStates": ["CO"], "formats": ["inPerson", "telehealth"], "sessionTypes": ["individual", "couples"],
              "ageGroups": ["adult"], "specialties": ["anxiety", "trauma"], "modalities": ["cbt", "emdr"], "languages": ["English", "Spanish"],
              "payers": ["Aetna", "Cigna"], "selfPayRate": 140, "slidingScaleMin": 90, "gender": "male", "lgbtqAffirming": true,
              "bipocAffirming": true, "offersKetamineAssistedTherapy": false, "caseloadLimit": 25, "weeklyNewClientLimit": 3,
              "availability": [{ "day": "tuesday", "from": "16:00", "to": "20:00" }], "acceptingNewClients": true,
              "officeAddress": "1550 Larimer St, Suite 400, Denver, CO 80202", "telehealthLink": "https://video.example.org/rafael-castillo"
            }
            """,
        ["UpdateClinicianProfile"] = """
            {
              "name": "Rafael Castillo", "credentials": "LPC, NCC", "email": "rafael.castillo@example.org", "timeZone": "America/Denver",
              "licensedStates": ["CO", "WY"], "officeStates": ["CO"], "formats": ["inPerson", "telehealth"], "sessionTypes": ["individual"],
              "ageGroups": ["adult"], "specialties": ["anxiety", "trauma"], "modalities": ["cbt", "emdr"], "languages": ["English", "Spanish"],
              "payers": ["Aetna"], "selfPayRate": 150, "gender": "male", "lgbtqAffirming": true, "expectedVersion": 2,
              "officeAddress": "1550 Larimer St, Suite 400, Denver, CO 80202", "telehealthLink": "https://video.example.org/rafael-castillo"
            }
            """,
        ["ChangeClinicianCapacity"] = """{ "caseloadLimit": 28, "weeklyNewClientLimit": 4, "acceptingNewClients": true, "expectedVersion": 3 }""",
        ["ChangeClinicianAvailability"] = """
            { "availability": [{ "day": "monday", "from": "09:00", "to": "12:00" }, { "day": "thursday", "from": "17:00", "to": "20:00" }], "expectedVersion": 3 }
            """,
        ["PauseClinician"] = """{ "reason": "Parental leave until April.", "expectedVersion": 4 }""",
        ["ResumeClinician"] = """{ "reason": "Back from leave.", "expectedVersion": 5 }""",
        ["OffboardClinician"] = """{ "reason": "Left the practice.", "expectedVersion": 6 }"""
    };

    /// <summary>The example body for a request schema, or null when there is none.</summary>
    public static JsonNode? For(string schema) => Bodies.TryGetValue(schema, out var json) ? JsonNode.Parse(json) : null;

    public static IEnumerable<string> Schemas => Bodies.Keys;
}
