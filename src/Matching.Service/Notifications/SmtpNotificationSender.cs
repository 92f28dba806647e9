using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Matching.Service.Notifications;

/// <summary>Sends each notification as a plain-text email, with its attachments, through the configured SMTP server.</summary>
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
        message.Body = Body(notification);

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

    /// <summary>Plain text, or multipart/mixed with each attachment as a MIME part of its own content type.</summary>
    internal static MimeEntity Body(Notification notification)
    {
        if (notification.Files.Count == 0) return new TextPart("plain") { Text = notification.Body };
        var builder = new BodyBuilder { TextBody = notification.Body };
        foreach (var file in notification.Files)
            builder.Attachments.Add(file.FileName, file.Content, ContentType.Parse(file.ContentType));
        return builder.ToMessageBody();
    }
}
