using System.Text;
using Marten;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Referrals.ClientLink;
using Matching.Service.Referrals.SubmittingIntake;
using Wolverine;
using Wolverine.Runtime.Handlers;

namespace Matching.Service.Notifications;

/// <summary>Tells the client by email that their request arrived: its reference, their link, what happens next.</summary>
public sealed record ConfirmIntakeToClient(Guid ReferralId, SealedClientLink Link);

/// <summary>
/// The same by text, when the client gave a number and agreed to texts. A message of its own, so a provider outage
/// retries the text alone and the email is not sent twice.
/// </summary>
public sealed record TextIntakeConfirmation(Guid ReferralId, SealedClientLink Link);

public static class IntakeConfirmation
{
    /// <summary>
    /// The confirmation of a new referral, published in the intake's own transaction: the email, and the text when the
    /// referral may be texted. Each carries the link the intake issued, sealed.
    /// </summary>
    public static IEnumerable<object> For(Guid referralId, ReferralIntake intake, IssuedClientLink link, ClientLinkSealer sealer)
    {
        var sealedLink = SealedClientLink.Of(link, sealer);
        yield return new ConfirmIntakeToClient(referralId, sealedLink);
        // The rule is the referral's own, read on the referral the intake starts.
        if (new Referral { Id = referralId, Intake = intake }.MayText) yield return new TextIntakeConfirmation(referralId, sealedLink);
    }
}

public static class ConfirmIntakeToClientHandler
{
    /// <summary>
    /// In the practice's voice. An urgent intake repeats the crisis resources first, before anything else. Null when there
    /// is no email address (a client who gave only a phone number) or the client's data was erased since.
    /// </summary>
    public static Notification? Compose(ConfirmIntakeToClient message, Referral? referral, string? linkUrl, MatchingOptions options)
    {
        if (ClientMessages.EmailOf(referral) is not { } email) return null;
        var reference = ReferralReference.Of(referral!.Id);
        var body = new StringBuilder();
        body.Append($"Hello {referral.Intake.Client.FirstName},\n\n");
        if (referral.Risk is not null)
        {
            body.Append("You told us you've had thoughts of harming yourself. If you might act on them, or you need to talk to someone now, please don't wait for us:\n");
            foreach (var resource in SubmitIntakeHandler.CrisisResources) body.Append($"- {resource.Name}: {resource.Contact}\n");
            body.Append("A care coordinator will also reach out to you soon.\n\n");
        }
        body.Append("Thank you for reaching out. We've received your request to be matched with a clinician, and you don't have to navigate this alone.\n\n");
        body.Append($"Your reference is {reference}. Please mention it if you call or write to us.\n\n");
        if (linkUrl is not null)
        {
            body.Append($"You can see where your request stands at any time here:\n{linkUrl}\n");
            body.Append("This link is just for you, so please don't share it. There you can also correct your phone number or email, ");
            body.Append("and once a clinician has said yes, choose a time for your first session.\n\n");
        }
        body.Append("What happens next\n");
        body.Append(referral.Risk is not null
            ? "A care coordinator reads your request first thing and will contact you. "
            : "A care coordinator reads your request, usually within one business day. ");
        body.Append("We then match you with a clinician who aligns with your needs and let you know as soon as they have said yes.\n\n");
        body.Append($"Questions, or something to add? {ClientMessages.HowToReachUs(options)}\n");
        return new Notification(NotificationKind.IntakeConfirmationToClient, message.ReferralId, email,
            $"We've received your request (reference {reference})", body.ToString());
    }

    public static async Task Handle(
        ConfirmIntakeToClient message, IQuerySession session, INotificationSender sender, ClientLinkSealer sealer, MatchingOptions options,
        TimeProvider time, CancellationToken cancellation)
    {
        var referral = await session.LoadAsync<Referral>(message.ReferralId, cancellation);
        if (referral is null) return;
        var url = message.Link.Url(referral, sealer, options, time.GetUtcNow());
        if (Compose(message, referral, url, options) is { } notification) await sender.SendAsync(notification, cancellation);
    }
}

public static class TextIntakeConfirmationHandler
{
    /// <summary>
    /// Short, and with nothing a shared phone's lock screen shouldn't show: no name, no mention of why. Null when the
    /// referral may not be texted (<see cref="Referral.MayText"/>) or the number is not a valid one.
    /// </summary>
    public static TextMessage? Compose(TextIntakeConfirmation message, Referral? referral, string? linkUrl, ILogger logger)
    {
        if (ClientMessages.TextableNumber(referral, NotificationKind.IntakeConfirmationToClient, logger) is not { } to) return null;
        var reference = ReferralReference.Of(referral!.Id);
        var follow = linkUrl is null ? "We'll be in touch soon." : $"Follow it here: {linkUrl}";
        return new TextMessage(NotificationKind.IntakeConfirmationToClient, message.ReferralId, to,
            $"We've received your request, reference {reference}. {follow} {ClientMessages.StopTexts}");
    }

    public static void Configure(HandlerChain chain) => ClientMessages.RetryOutages(chain);

    public static async Task Handle(
        TextIntakeConfirmation message, IQuerySession session, ISmsSender sender, ClientLinkSealer sealer, MatchingOptions options,
        TimeProvider time, ILogger<TextMessage> logger, CancellationToken cancellation)
    {
        var referral = await session.LoadAsync<Referral>(message.ReferralId, cancellation);
        if (referral is null) return;
        var url = message.Link.Url(referral, sealer, options, time.GetUtcNow());
        if (Compose(message, referral, url, logger) is { } text) await sender.SendAsync(text, cancellation);
    }
}
