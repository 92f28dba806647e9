using System.Text.Json.Nodes;
using Marten;
using Matching.Service.Referrals;

namespace Matching.Service.Audit;

/// <summary>
/// Where personal data sits in each event: the masking rules that erase it, and the same places as
/// JSON paths for the audit hash chain (which digests them) and for re-masking audit rows. The two
/// lists must agree: a test folds every event type through both.
/// </summary>
public static class PersonalFields
{
    public const string Erased = "(erased)";

    private static readonly Dictionary<string, string[]> PathsByType = new()
    {
        [nameof(IntakeSubmitted)] =
        [
            "intake.client.firstName", "intake.client.lastName", "intake.client.email", "intake.client.phone",
            "intake.client.dateOfBirth", "intake.client.postalCode", "intake.client.pronouns",
            "intake.payment.memberId", "intake.notes",
            // Intake.ClientName is computed; events stored before it was left out of the JSON carry it.
            "intake.clientName"
        ],
        [nameof(RiskAcknowledged)] = ["note"],
        [nameof(ReferralTriaged)] = ["note"],
        [nameof(MatchProposed)] = ["note", "overrideReason"],
        [nameof(ProposalAccepted)] = ["note"],
        [nameof(ProposalDeclined)] = ["note"],
        [nameof(ProposalWithdrawn)] = ["reason"],
        [nameof(ContactAttempted)] = ["note"],
        [nameof(FirstSessionCancelled)] = ["reason"],
        [nameof(FirstSessionAttended)] = ["note"],
        [nameof(FirstSessionMissed)] = ["note"],
        [nameof(ReferralWaitlisted)] = ["reason"],
        [nameof(ReferralClosed)] = ["note"],
        // Queries are built by the service from filters, but a filter could one day carry a name.
        [nameof(PersonalDataAccessed)] = ["query"]
    };

    public static IReadOnlyList<string> For(string eventType) => PathsByType.GetValueOrDefault(eventType) ?? [];

    public static IEnumerable<string> EventTypes => PathsByType.Keys;

    /// <summary>What an erased value reads as: dates become null (a date can't hold a marker), text the marker.</summary>
    public static JsonNode? MaskFor(string path) => path switch
    {
        _ when path.EndsWith("dateOfBirth", StringComparison.Ordinal) => null,
        // Recomputed by the serializer from the masked first and last names.
        "intake.clientName" => JsonValue.Create($"{Erased} {Erased}"),
        _ => JsonValue.Create(Erased)
    };

    /// <summary>True when the value is what erasure leaves (or was never given).</summary>
    public static bool IsMasked(string path, JsonNode? value) =>
        value is null || (MaskFor(path) is { } mask && JsonNode.DeepEquals(mask, value));

    private static string? Mask(string? value) => value is null ? null : Erased;

    public static void RegisterMaskingRules(StoreOptions opts)
    {
        var events = opts.Events;
        events.AddMaskingRuleForProtectedInformation<IntakeSubmitted>(e => e with { Intake = MaskIntake(e.Intake) });
        events.AddMaskingRuleForProtectedInformation<RiskAcknowledged>(e => e with { Note = Erased });
        events.AddMaskingRuleForProtectedInformation<ReferralTriaged>(e => e with { Note = Mask(e.Note) });
        events.AddMaskingRuleForProtectedInformation<MatchProposed>(e => e with { Note = Mask(e.Note), OverrideReason = Mask(e.OverrideReason) });
        events.AddMaskingRuleForProtectedInformation<ProposalAccepted>(e => e with { Note = Mask(e.Note) });
        events.AddMaskingRuleForProtectedInformation<ProposalDeclined>(e => e with { Note = Mask(e.Note) });
        events.AddMaskingRuleForProtectedInformation<ProposalWithdrawn>(e => e with { Reason = Erased });
        events.AddMaskingRuleForProtectedInformation<ContactAttempted>(e => e with { Note = Mask(e.Note) });
        events.AddMaskingRuleForProtectedInformation<FirstSessionCancelled>(e => e with { Reason = Erased });
        events.AddMaskingRuleForProtectedInformation<FirstSessionAttended>(e => e with { Note = Mask(e.Note) });
        events.AddMaskingRuleForProtectedInformation<FirstSessionMissed>(e => e with { Note = Mask(e.Note) });
        events.AddMaskingRuleForProtectedInformation<ReferralWaitlisted>(e => e with { Reason = Erased });
        events.AddMaskingRuleForProtectedInformation<ReferralClosed>(e => e with { Note = Mask(e.Note) });
        events.AddMaskingRuleForProtectedInformation<PersonalDataAccessed>(e => e with { Query = Mask(e.Query) });
    }

    /// <summary>The intake without who the person is; what they asked for (concerns, format, state, payer) stays countable.</summary>
    public static Intake MaskIntake(Intake intake) => intake with
    {
        Client = intake.Client is { } c
            ? c with
            {
                FirstName = Mask(c.FirstName), LastName = Mask(c.LastName), Email = Mask(c.Email), Phone = Mask(c.Phone),
                DateOfBirth = null, PostalCode = Mask(c.PostalCode), Pronouns = Mask(c.Pronouns)
            }
            : null,
        Payment = intake.Payment is { } p ? p with { MemberId = Mask(p.MemberId) } : null,
        Notes = Mask(intake.Notes)
    };

    public static JsonNode? Get(JsonObject data, string path)
    {
        JsonNode? node = data;
        foreach (var segment in path.Split('.'))
        {
            if (node is not JsonObject obj || !obj.TryGetPropertyValue(segment, out node)) return null;
        }
        return node;
    }

    /// <summary>Replaces the value at the path if the path exists (missing parents stay missing).</summary>
    public static void Set(JsonObject data, string path, JsonNode? value)
    {
        var segments = path.Split('.');
        JsonNode? node = data;
        foreach (var segment in segments[..^1])
        {
            if (node is not JsonObject obj || !obj.TryGetPropertyValue(segment, out node)) return;
        }
        if (node is JsonObject parent && parent.ContainsKey(segments[^1])) parent[segments[^1]] = value;
    }

    /// <summary>The event JSON as erasure leaves it.</summary>
    public static JsonObject MaskJson(string eventType, JsonObject data)
    {
        var copy = data.DeepClone().AsObject();
        foreach (var path in For(eventType))
        {
            if (Get(copy, path) is not null) Set(copy, path, MaskFor(path));
        }
        return copy;
    }
}
