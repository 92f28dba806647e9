using JasperFx.Events.Projections;
using Marten;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals.Queue;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Matching.Service.Referrals;

public static class ReferralsModule
{
    public static void Configure(StoreOptions opts, MatchingOptions? matching = null)
    {
        // The referral itself: one row a command reads and writes in its own transaction.
        opts.Projections.Snapshot<Referral>(SnapshotLifecycle.Inline);
        opts.Schema.For<Referral>()
            .Duplicate(r => r.SubmittedAt)
            // A text the client sends names only their number: an inbound STOP finds their referrals by this column's index.
            .Duplicate(r => r.TextNumber!)
            .GinIndexJsonData()
            // A partner's poll for its Tasks changed since a time (GET /fhir/Task?_lastUpdated=): its organization's
            // referrals in StatusSince order. On the document's JSON, so rows written before the index need no rebuild.
            .Index([r => r.Partner!.Organization, r => r.StatusSince, r => r.Id]);

        // A client link's key: the token's hash, and the referral it opens.
        opts.Schema.For<ClientLink.ClientLinkKey>().Index(k => k.ReferralId);

        // The coordinator queue: a flat row per referral, kept with its events; columns for its filters and order.
        opts.Projections.Add(new CoordinatorQueueProjection(matching ?? new MatchingOptions()), ProjectionLifecycle.Inline);
        opts.Schema.For<ReferralQueueItem>()
            .Duplicate(q => q.Status)
            .Duplicate(q => q.Urgent)
            .Duplicate(q => q.AwaitingRiskAcknowledgement)
            .Duplicate(q => q.SubmittedAt)
            .Duplicate(q => q.ClinicianId!)
            .Duplicate(q => q.DueAt!)
            // pg_trgm's index serves a search for text anywhere in the name, email or phone (QueueSearch).
            .Duplicate(q => q.SearchText, configure: index =>
            {
                index.Method = IndexMethod.gin;
                index.Mask = "? gin_trgm_ops";
            })
            .Duplicate(q => q.Reference)
            .GinIndexJsonData();
        // Shipped with PostgreSQL and trusted since version 13, so the service's own role can create it.
        opts.Storage.ExtendedSchemaObjects.Add(new Extension("pg_trgm"));
        QueueSql.AddIndexes(opts);
        QueueCounts.Configure(opts);

        FirstSessionSlots.Configure(opts);
    }
}
