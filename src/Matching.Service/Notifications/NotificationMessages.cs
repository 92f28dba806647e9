using System.Globalization;
using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Microsoft.Extensions.Options;

namespace Matching.Service.Notifications;

// Notifications travel as durable Wolverine messages cascaded from the command or timer that appends
// the event, so they leave through the outbox only when that event commits. They carry ids only:
// personal data is read when the message is sent, not stored in the message tables.

/// <summary>Tells a clinician a proposal awaits their answer.</summary>
public sealed record NotifyClinicianOfProposal(Guid ReferralId, Guid ProposalId);

/// <summary>Tells the coordinator team an urgent referral's risk went unacknowledged.</summary>
public sealed record NotifyCoordinatorsOfEscalation(Guid ReferralId);

/// <summary>Tells the client when and how their first session takes place.</summary>
public sealed record NotifyClientOfFirstSession(Guid ReferralId, Guid SessionId);

public static class NotifyClinicianOfProposalHandler
{
    /// <summary>No client data: the clinician sees who the client is only after accepting.</summary>
    public static Notification? Compose(NotifyClinicianOfProposal message, Referral? referral, Clinician? clinician)
    {
        var proposal = referral?.Proposals.FirstOrDefault(p => p.Id == message.ProposalId);
        if (proposal is not { Status: ProposalStatus.Pending } || clinician is null) return null;
        var deadline = InZone(proposal.ExpiresAt, clinician.Profile.TimeZone);
        return new Notification(NotificationKind.ProposalToClinician, message.ReferralId, clinician.Profile.Email,
            "A new referral is waiting for your answer",
            $"""
             Hello {clinician.Profile.Name},

             A coordinator has proposed a new client to you. The summary is in your proposal inbox.
             Please accept or decline by {deadline}; after that the proposal lapses and the client is matched with someone else.

             Proposal {proposal.Id}
             """);
    }

    public static async Task Handle(
        NotifyClinicianOfProposal message, IQuerySession session, INotificationSender sender, CancellationToken cancellation)
    {
        var referral = await session.LoadAsync<Referral>(message.ReferralId, cancellation);
        var proposal = referral?.Proposals.FirstOrDefault(p => p.Id == message.ProposalId);
        var clinician = proposal is null ? null : await session.LoadAsync<Clinician>(proposal.ClinicianId, cancellation);
        if (Compose(message, referral, clinician) is { } notification) await sender.SendAsync(notification, cancellation);
    }

    internal static string InZone(DateTimeOffset instant, string? zoneId)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(zoneId ?? "", out var found) ? found : TimeZoneInfo.Utc;
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        return local.ToString("dddd d MMMM yyyy, h:mm tt", CultureInfo.InvariantCulture) + $" ({zone.Id})";
    }
}

public static class NotifyCoordinatorsOfEscalationHandler
{
    public static Notification? Compose(NotifyCoordinatorsOfEscalation message, Referral? referral, string? teamEmail)
    {
        if (referral?.Risk is not { Escalated: true } risk) return null;
        return new Notification(NotificationKind.EscalationToCoordinators, message.ReferralId, teamEmail ?? "",
            "Urgent referral: risk not acknowledged",
            $"""
             An urgent referral flagged at {risk.FlaggedAt:u} has had no risk acknowledgement within the acknowledgement window.
             Please open referral {message.ReferralId} in the coordinator queue and act now.
             """);
    }

    public static async Task Handle(
        NotifyCoordinatorsOfEscalation message, IQuerySession session, INotificationSender sender,
        IOptions<NotificationOptions> options, CancellationToken cancellation)
    {
        var referral = await session.LoadAsync<Referral>(message.ReferralId, cancellation);
        if (Compose(message, referral, options.Value.CoordinatorTeamEmail) is { } notification)
            await sender.SendAsync(notification, cancellation);
    }
}

public static class NotifyClientOfFirstSessionHandler
{
    public static Notification? Compose(
        NotifyClientOfFirstSession message, Referral? referral, Clinician? clinician, TimeZoneInfo practiceZone)
    {
        if (referral is null || referral.PersonalDataErased) return null;
        if (referral.FirstSession is not { Status: FirstSessionStatus.Booked } session || session.Id != message.SessionId) return null;
        var when = TimeZoneInfo.ConvertTime(session.StartsAt, practiceZone)
            .ToString("dddd d MMMM yyyy 'at' h:mm tt", CultureInfo.InvariantCulture);
        var how = session.Format == Shared.SessionFormat.Telehealth ? "by video (telehealth)" : "in person at our office";
        var with = clinician?.Profile.Name ?? "your clinician";
        return new Notification(NotificationKind.FirstSessionToClient, message.ReferralId, referral.Intake.Client.Email ?? "",
            "Your first session is booked",
            $"""
             Hello {referral.Intake.Client.FirstName},

             Your first session with {with} is booked for {when} ({practiceZone.Id}), {how}, for {session.DurationMinutes} minutes.
             If that time no longer works, just reply or call us and we'll find another. You don't have to navigate this alone.
             """);
    }

    public static async Task Handle(
        NotifyClientOfFirstSession message, IQuerySession session, INotificationSender sender, MatchingOptions options,
        CancellationToken cancellation)
    {
        var referral = await session.LoadAsync<Referral>(message.ReferralId, cancellation);
        var clinician = referral?.FirstSession is { } first ? await session.LoadAsync<Clinician>(first.ClinicianId, cancellation) : null;
        if (Compose(message, referral, clinician, options.TimeZone) is { } notification)
            await sender.SendAsync(notification, cancellation);
    }
}
