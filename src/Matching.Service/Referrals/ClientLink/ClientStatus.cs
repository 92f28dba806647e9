using Marten;
using Matching.Service.Audit;
using Matching.Service.Clinicians;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals.SubmittingIntake;
using Matching.Service.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Wolverine.Http;

namespace Matching.Service.Referrals.ClientLink;

/// <summary>The accepted clinician as the client may see them.</summary>
public sealed record ClientClinicianView(string Name, string? Credentials, IReadOnlyList<SessionFormat> Formats);

public sealed record ClientFirstSessionView(Guid SessionId, DateTimeOffset StartsAt, int DurationMinutes, SessionFormat Format);

/// <summary>
/// Where the request stands, as the client reads it on their link: in the practice's voice, with the crisis resources
/// always at hand. The clinician appears only once they have accepted; nothing of the other clinicians, notes or codes.
/// </summary>
public sealed record ClientStatusView(
    string Reference,
    ReferralStatus Status,
    string StatusText,
    string NextStep,
    IReadOnlyList<CrisisResource> CrisisResources,
    ClientClinicianView? Clinician,
    ClientFirstSessionView? FirstSession)
{
    public static ClientStatusView Of(Referral referral, Clinician? accepted, MatchingOptions options, DateTimeOffset now)
    {
        var session = referral is { Status: ReferralStatus.Booked, FirstSession: { Status: FirstSessionStatus.Booked } booked } ? booked : null;
        var clinician = referral.AcceptedProposal is not null && accepted is not null
            ? new ClientClinicianView(accepted.Profile.Name, accepted.Profile.Credentials, accepted.Profile.Formats)
            : null;
        var (text, next) = Words(referral, clinician, session, options, now);
        return new ClientStatusView(ReferralReference.Of(referral.Id), referral.Status, text, next, SubmitIntakeHandler.CrisisResources, clinician,
            session is null ? null : new ClientFirstSessionView(session.Id, session.StartsAt, session.DurationMinutes, session.Format));
    }

    private static (string Text, string Next) Words(
        Referral referral, ClientClinicianView? clinician, FirstSession? session, MatchingOptions options, DateTimeOffset now)
    {
        var name = clinician?.Name ?? "Your clinician";
        return referral.Status switch
        {
            ReferralStatus.AwaitingTriage => ("We have your request.", referral.Urgent
                ? "A care coordinator will call you as soon as they can, within the hour. If you are in danger now, please use the crisis lines below."
                : "A care coordinator is reading what you told us and will reach out within one business day. You don't have to navigate this alone."),
            ReferralStatus.AwaitingMatch or ReferralStatus.Proposed => ("We're finding a clinician who aligns with your needs.",
                "We'll let you know here, and by the way you asked us to contact you, as soon as a clinician says yes."),
            ReferralStatus.Accepted => ($"{name} would be glad to see you.",
                "Choose a time for your first session below. If none of the times work, reply to our message or call us and we'll find one together."),
            ReferralStatus.Booked when session is not null => ("Your first session is booked.",
                $"{PracticeTime.Moment(session.StartsAt, options.TimeZone)}, {(session.Format == SessionFormat.Telehealth ? "by video" : "in person")}, "
                + $"for {session.DurationMinutes} minutes. " + (options.ClientMayChange(session.StartsAt, now)
                    ? $"You can move or cancel it here until {Shared.Words.Duration(options.ClientChangeCutoff)} before it starts."
                    : $"If something comes up, please {ClientSlots.PracticeContact(options)}: it's too close to change here.")),
            ReferralStatus.Waitlisted => ("You're on our waitlist.",
                "No clinician who fits what you asked for has space right now. We'll check in with you regularly, and you can reach us any time."),
            _ => ("Your request is with us.", "We'll be in touch.")
        };
    }
}

public static class ClientStatusEndpoint
{
    /// <summary>Every view is an access entry, by the client.</summary>
    [WolverineGet("/api/client/{token}"), AllowAnonymous, EnableRateLimiting(ClientLinks.RateLimitPolicy)]
    [ProducesResponseType<ClientStatusView>(200), ProducesResponseType<ProblemDetails>(404)]
    public static async Task<IResult> Get(
        string token, HttpContext context, IDocumentSession session, MatchingOptions options, TimeProvider time, CancellationToken cancellation)
    {
        if (ClientLinks.Visit(context) is not { } visit) return Results.Problem(ClientLinks.NotFound);
        var view = await ReadAsync(visit.Referral, session, options, time.GetUtcNow(), cancellation);
        AccessLog.Record(session, visit.Referral.Id, AccessLog.ClientLink);
        await session.SaveChangesAsync(cancellation);
        return Results.Ok(view);
    }

    public static async Task<ClientStatusView> ReadAsync(
        Referral referral, IQuerySession session, MatchingOptions options, DateTimeOffset now, CancellationToken cancellation)
    {
        var accepted = referral.AcceptedProposal is { } proposal ? await session.LoadAsync<Clinician>(proposal.ClinicianId, cancellation) : null;
        return ClientStatusView.Of(referral, accepted, options, now);
    }
}
