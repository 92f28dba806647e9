using Marten;
using Matching.Service.Shared;

namespace Matching.Service.Audit;

/// <summary>
/// Someone read a client's personal data. Each access is a stream of its own, never the referral's, so a read does
/// not move the referral's version and reads at the same moment never conflict. Who, when, correlation and causation
/// travel in the event metadata like every other event. Query is built by the service from filters, but a filter could one
/// day carry a name: it counts as personal.
/// </summary>
public sealed record PersonalDataAccessed(Guid? ReferralId, string Resource, [PersonalData] string? Query);

/// <summary>Records reads of personal data in the same request as the read.</summary>
public static class AccessLog
{
    public const string ReferralDetail = "referral-detail";
    public const string ReferralTimeline = "referral-timeline";
    public const string ClinicianProposals = "clinician-proposals";
    public const string AuditReferral = "audit-referral";
    public const string AuditActor = "audit-actor";
    public const string AuditExport = "audit-export";
    public const string ReferralSearch = "referral-search";
    /// <summary>The client read their own request through their link.</summary>
    public const string ClientLink = "client-link";

    /// <summary>
    /// Adds a read of one referral to the session; the caller saves it before answering. It names the referral and
    /// the resource only, no query, so it holds nothing an erasure would have to mask.
    /// </summary>
    public static void Record(IDocumentSession session, Guid referralId, string resource) =>
        Start(session, new PersonalDataAccessed(referralId, resource, null));

    /// <summary>Adds a read that concerns no single referral (an export, a per-user audit view) with what was asked.</summary>
    public static void RecordSearch(IDocumentSession session, string resource, string query) =>
        Start(session, new PersonalDataAccessed(null, resource, query));

    // A stream per access: appends to one shared stream collide on its version when reads race (Marten's quick append
    // numbers a stream's events without a lock), and a read must never fail because another happened at once.
    private static void Start(IDocumentSession session, PersonalDataAccessed access) =>
        session.Events.StartStream(Guid.CreateVersion7(), access);
}
