using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Matching.Service.Audit;

namespace Matching.Tests.Audit;

/// <summary>
/// The canonical form is written straight from the event JSON; stored chains were hashed from the form built
/// by editing a JsonNode copy and writing it sorted. Both must give the same bytes, or old chains stop verifying.
/// </summary>
public class CanonicalFormTests
{
    /// <summary>The form as first defined: a JsonNode copy with personal values replaced, written with sorted keys.</summary>
    private static string Reference(AuditFacts facts, IReadOnlyDictionary<string, string>? digests)
    {
        var data = facts.Data.DeepClone().AsObject();
        foreach (var field in PersonalData.Of(facts.Type, facts.TypeAlias)?.Fields ?? [])
        {
            var value = field.Path.Get(data);
            JsonNode? replacement = digests is not null && digests.TryGetValue(field.Path.Text, out var digest)
                ? JsonValue.Create("digest:" + digest)
                : value is null ? null : JsonValue.Create("undigested");
            field.Path.Set(data, replacement);
        }
        var root = new JsonObject
        {
            ["sequence"] = facts.Sequence,
            ["streamId"] = facts.StreamId.ToString("D"),
            ["type"] = facts.Type,
            ["typeAlias"] = facts.TypeAlias,
            ["at"] = AuditChain.Instant(facts.At),
            ["actor"] = new JsonObject { ["sub"] = facts.Actor.Sub, ["name"] = facts.Actor.Name, ["role"] = facts.Actor.Role },
            ["correlationId"] = facts.CorrelationId,
            ["causationId"] = facts.CausationId,
            ["data"] = data
        };
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer)) WriteSorted(writer, root);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteSorted(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    WriteSorted(writer, value);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array) WriteSorted(writer, item);
                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    private const string Intake = """
        {"intake": {"notes": "Zoë said \"<b>hi</b>\" & left \\ \u2028 🙂", "client": {"email": "a+b@example.org", "phone": null,
          "state": "CO", "lastName": "O'Neil", "pronouns": "", "firstName": "Ann", "postalCode": "80302", "dateOfBirth": "1990-04-02"},
          "payment": {"payer": "Aetna", "method": "Insurance", "memberId": "W123", "maxSessionRate": 1.50},
          "concerns": ["Trauma", "Grief", {"zeta": 1e3, "Alpha": -0, "alpha": [true, false, null]}], "clientName": "Ann O'Neil"},
         "ageGroup": "Adult", "intakeDate": "2026-03-02", "B": 12345678901234567890, "a": 0.1}
        """;

    // IntakeSubmitted under its first alias holds the older shape, whose clientName is personal too.
    public static TheoryData<string, string, string, bool> Samples() => new()
    {
        { "IntakeSubmitted", "intake_submitted", Intake, true },
        { "IntakeSubmitted", "intake_submitted", Intake, false },
        { "IntakeSubmitted", "intake_submitted_v2", Intake, true },
        // A personal path whose parent is missing, or null, stays as it is.
        { "IntakeSubmitted", "intake_submitted", """{"intake": {"client": null, "notes": null}, "ageGroup": "Adult"}""", false },
        { "IntakeSubmitted", "intake_submitted_v2", """{"ageGroup": "Adult"}""", true },
        { "ReferralTriaged", "referral_triaged", """{"note": "Evenings only.", "priority": "Urgent"}""", true },
        { "ReferralTriaged", "referral_triaged", """{"note": "Evenings only.", "priority": "Urgent"}""", false },
        { "ReferralTriaged", "referral_triaged", """{"note": null, "priority": "Routine"}""", false },
        { "MatchProposed", "match_proposed", """{"note": "x", "overrideReason": "Only one nearby.", "flags": ["payerMismatch"], "clinicianId": "0b3c"}""", true },
        { "ContactAttempted", "contact_attempted", """{"channel": "Phone", "outcome": "Reached", "note": "Spoke: 日本語"}""", true },
        { "FirstSessionBooked", "first_session_booked", """{"at": "2026-03-09T16:00:00+00:00", "minutes": 50, "format": "Telehealth"}""", false },
        { "PersonalDataAccessed", "personal_data_accessed", """{"referralId": null, "resource": "export", "query": "status=open&q=Ann"}""", true },
        { "ClinicianProfileUpdated", "clinician_profile_updated", """{"profile": {"name": "Grace Kim", "specialties": ["trauma"]}}""", false }
    };

    private static Dictionary<string, string>? DigestsFor(string type, string alias, JsonObject data, bool digested) =>
        digested
            ? (PersonalData.Of(type, alias)?.Fields ?? []).Where(f => f.Path.Get(data) is not null)
                .ToDictionary(f => f.Path.Text, f => $"d{f.Path.Text.Length:x4}")
            : null;

    [Theory]
    [MemberData(nameof(Samples))]
    public void the_canonical_form_written_from_the_event_json_is_the_one_the_chain_was_first_hashed_with(
        string type, string alias, string json, bool digested)
    {
        var data = JsonNode.Parse(json)!.AsObject();
        var facts = new AuditFacts(42, Guid.Parse("25722b29-618f-4b4b-bd7b-952337e5f55d"), type, alias,
            new DateTimeOffset(2026, 3, 2, 16, 0, 0, 123, TimeSpan.FromHours(-7)).AddTicks(4567),
            new AuditActor("coord-1", "Zoë <Coordinator>", "coordinator"), type.Length % 2 == 0 ? "corr-1" : null, "cause-1", data);
        var digests = DigestsFor(type, alias, data, digested);
        var reference = Reference(facts, digests);

        AuditChain.Canonical(facts, digests).ShouldBe(reference);

        var writer = new CanonicalWriter();
        var bytes = writer.Write(facts.Sequence, facts.StreamId, facts.Type, facts.TypeAlias, facts.At, facts.Actor,
            facts.CorrelationId, facts.CausationId, JsonElement.Parse(json), digests).ToArray();
        Encoding.UTF8.GetString(bytes).ShouldBe(reference);

        var previous = new string('a', 64);
        writer.Next(previous, bytes).ShouldBe(AuditChain.Next(previous, reference));
        writer.Next("", bytes).ShouldBe(AuditChain.Next("", reference));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void a_digest_of_the_value_as_read_equals_the_digest_of_its_json_node(string type, string alias, string json, bool digested)
    {
        _ = digested;
        var salt = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var node = JsonNode.Parse(json)!.AsObject();
        var element = JsonElement.Parse(json);
        foreach (var path in (PersonalData.Of(type, alias)?.Fields ?? []).Select(f => f.Path))
        {
            var fromNode = path.Get(node);
            var fromElement = path.Get(element);
            (fromElement is null).ShouldBe(fromNode is null, path.Text);
            if (fromNode is not null) AuditChain.Digest(salt, path.Text, fromElement!.Value).ShouldBe(AuditChain.Digest(salt, path.Text, fromNode), path.Text);
        }
    }
}
