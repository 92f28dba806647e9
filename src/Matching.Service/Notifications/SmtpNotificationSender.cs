using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Matching.Service.Notifications;

/// <summary>Sends each notification as a plain-text email through the configured SMTP server.</summary>
public sealed class SmtpNotificationSender(IOptions<SmtpOptions> options, ILogger<SmtpNotificationSender> logger) : INotificationSender
{
    public async Task SendAsync(Notification notification, CancellationToken cancellation)
    {
        var smtp = options.Value;
        if (string.IsNullOrWhiteSpace(notification.To))
        {
            // A client who gave only a phone number, or no team address configured.
            logger.LogWarning("Notification {NotificationKind} for referral {ReferralId} has no email address; not sent",
                notification.Kind, notification.ReferralId);
            return;
        }

        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(smtp.From));
        message.To.Add(MailboxAddress.Parse(notification.To));
        message.Subject = notification.Subject;
        message.Body = new TextPart("plain") { Text = notification.Body };

        using var client = new SmtpClient();
        // UseTls: implicit TLS on 465, STARTTLS elsewhere; off only for a local relay.
        var security = !smtp.UseTls ? SecureSocketOptions.None
            : smtp.Port == 465 ? SecureSocketOptions.SslOnConnect
            : SecureSocketOptions.StartTls;
        // Registered only when a host is configured (NotificationsModule); the check keeps that promise explicit.
        var host = smtp.Host ?? throw new InvalidOperationException("Smtp:Host is not configured.");
        await client.ConnectAsync(host, smtp.Port, security, cancellation);
        if (!string.IsNullOrEmpty(smtp.User)) await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", cancellation);
        await client.SendAsync(message, cancellation);
        await client.DisconnectAsync(quit: true, cancellation);

        logger.LogInformation("Notification {NotificationKind} for referral {ReferralId} sent by SMTP",
            notification.Kind, notification.ReferralId);
    }
}
