namespace Matching.Service.Notifications;

/// <summary>
/// The sender used when no SMTP host is configured: records that a notification would have gone
/// out, naming only its kind and referral, never the recipient or the text.
/// </summary>
public sealed class LoggingNotificationSender(ILogger<LoggingNotificationSender> logger) : INotificationSender
{
    public Task SendAsync(Notification notification, CancellationToken cancellation)
    {
        logger.LogInformation("Notification {NotificationKind} for referral {ReferralId} recorded (no SMTP host configured)",
            notification.Kind, notification.ReferralId);
        return Task.CompletedTask;
    }
}
