using System.Text.Json;
using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;

namespace Matching.Service.Audit;

/// <summary>
/// What an audit entry shows beside the chained facts, derived from the event alone: its kind, the referral it belongs to and its
/// summary. They are not in the chain (summaries can be reworded), so the integrity check and the offline verifier derive them again
/// here, from the event the chain vouches for, with the projection's own code: an edited one shows.
/// </summary>
public sealed record AuditLabels(string Kind, Guid? ReferralId, string Summary)
{
    /// <summary>The labels the projection writes for an event.</summary>
    public static AuditLabels Of(object data, Guid streamId) => data switch
    {
        // Access streams name the referral read, if any.
        PersonalDataAccessed access => new(AuditEntry.AccessKind, access.ReferralId, $"Personal data viewed: {access.Resource}"),
        // Clinician streams are not referrals; every other stream is a referral's.
        _ => new(AuditEntry.EventKind, data.GetType().Namespace == typeof(Clinician).Namespace ? null : streamId, EventSummaries.Describe(data))
    };

    /// <summary>
    /// The labels of an event read back from its JSON as stored, with the store's serializer and an older shape's upcast (what
    /// the projection was handed); null when no event type has that name or the JSON doesn't read as one.
    /// </summary>
    public static AuditLabels? Read(string type, string typeAlias, string json, Guid streamId, ISerializer serializer)
    {
        try
        {
            return EventVersions.Read(type, typeAlias, json, serializer) is { } data ? Of(data, streamId) : null;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or ArgumentException
                                       or InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>Which of an entry's labels differs from these ("kind", "referral", "summary"), or null when none does.</summary>
    public string? Differs(string? kind, Guid? referralId, string? summary) =>
        kind != Kind ? "kind" : referralId != ReferralId ? "referral" : summary != Summary ? "summary" : null;
}
