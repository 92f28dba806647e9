using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Referrals.ClientLink;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;

namespace Matching.Service.Notifications;

/// <summary>
/// A client link travelling in a durable message (docs/adr/0034-confirmation-and-reminders.md): its id in the clear, to
/// check when the message is sent that the link still opens, and its token sealed with <see cref="ClientLinkSealer"/>, so
/// the message tables never hold a working link.
/// </summary>
public sealed record SealedClientLink(Guid LinkId, string SealedToken)
{
    public static SealedClientLink Of(IssuedClientLink link, ClientLinkSealer sealer) => new(link.Issued.LinkId, sealer.Seal(link.Token));

    /// <summary>
    /// The link's address when it still opens the referral and its token unseals; null otherwise (closed, withdrawn, erased,
    /// replaced by a coordinator's new link, or a key ring replaced since): the message then goes without it.
    /// </summary>
    public string? Url(Referral referral, ClientLinkSealer sealer, MatchingOptions options, DateTimeOffset now) =>
        referral.LinkOpens(LinkId, now) && sealer.Unseal(SealedToken) is { } token ? ClientLinks.Url(options, token) : null;
}

/// <summary>What every message to the client shares.</summary>
public static class ClientMessages
{
    public const string StopTexts = "Reply STOP to stop texts.";

    /// <summary>How the client reaches the practice, from an email: a reply always works; the practice's address and phone when set.</summary>
    public static string HowToReachUs(MatchingOptions options) => (options.PracticeEmail, options.PracticePhone) switch
    {
        ({ } email, { } phone) => $"Just reply to this email, write to {email} or call us at {phone}.",
        ({ } email, null) => $"Just reply to this email or write to {email}.",
        (null, { } phone) => $"Just reply to this email or call us at {phone}.",
        _ => "Just reply to this email."
    };

    /// <summary>The client's email address when the referral may still be written to, else null.</summary>
    public static string? EmailOf(Referral? referral) =>
        referral is { PersonalDataErased: false } && !string.IsNullOrWhiteSpace(referral.Intake.Client.Email) ? referral.Intake.Client.Email : null;

    /// <summary>
    /// The client's number in E.164 when the referral may be texted (<see cref="Referral.MayText"/>); otherwise null, and a
    /// number that isn't a valid one is logged by kind and referral only.
    /// </summary>
    public static string? TextableNumber(Referral? referral, NotificationKind kind, ILogger logger)
    {
        if (referral is not { MayText: true }) return null;
        if (PhoneNumbersE164.Normalize(referral.Intake.Client.Phone) is { } to) return to;
        logger.LogWarning("Text message {NotificationKind} for referral {ReferralId} not sent: the phone number is not a valid number",
            kind, referral.Id);
        return null;
    }

    /// <summary>
    /// Retries a provider's or a mail server's outage with growing pauses, durably after the first few, before giving up
    /// to dead letters. Each text is a message of its own, so a retry sends that text alone.
    /// </summary>
    public static void RetryOutages(HandlerChain chain) =>
        chain.OnAnyException()
            .RetryWithCooldown(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10))
            .Then.ScheduleRetry(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1));
}
