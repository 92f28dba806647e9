using System.Security.Cryptography;
using System.Text;
using Marten;

namespace Matching.Service.Audit;

/// <summary>
/// Someone read a client's personal data. Appended to an access stream of its own, never to the
/// referral's stream, so a read does not move the referral's version. Who, when, correlation and
/// causation travel in the event metadata like every other event.
/// </summary>
public sealed record PersonalDataAccessed(Guid? ReferralId, string Resource, string? Query);

/// <summary>Records reads of personal data in the same request as the read.</summary>
public static class AccessLog
{
    public const string ReferralDetail = "referral-detail";
    public const string ReferralTimeline = "referral-timeline";
    public const string ClinicianProposals = "clinician-proposals";
    public const string AuditReferral = "audit-referral";
    public const string AuditActor = "audit-actor";
    public const string AuditExport = "audit-export";

    /// <summary>
    /// Adds the access to the session; the caller saves it before answering. No expected version:
    /// concurrent reads of one referral all append.
    /// </summary>
    public static void Record(IDocumentSession session, Guid? referralId, string resource, string? query = null, string? actorSub = null)
    {
        var stream = referralId is { } id ? StreamFor(id) : ActorStreamFor(actorSub ?? "unknown");
        session.Events.Append(stream, new PersonalDataAccessed(referralId, resource, query));
    }

    /// <summary>A referral's access stream: derived from the referral id, always the same.</summary>
    public static Guid StreamFor(Guid referralId) => NameBased("access:referral:" + referralId.ToString("N"));

    /// <summary>Reads that concern no single referral (exports, per-user audit views) go to the reader's own access stream.</summary>
    public static Guid ActorStreamFor(string sub) => NameBased("access:actor:" + sub);

    private static Guid NameBased(string name)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(name))[..16];
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x80); // version 8: custom, name-based
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes);
    }
}
