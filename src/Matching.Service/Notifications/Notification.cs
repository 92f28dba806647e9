namespace Matching.Service.Notifications;

public enum NotificationKind
{
    ProposalToClinician, EscalationToCoordinators, FirstSessionToClient, FirstSessionToClinician, IntakeConfirmationToClient,
    FirstSessionReminderToClient
}

/// <summary>
/// A message for one recipient. <see cref="To"/>, <see cref="Subject"/> and <see cref="Body"/> may hold
/// personal data, and so may <see cref="Attachments"/>: only the kind and the referral id are fit for logs.
/// </summary>
public sealed record Notification(
    NotificationKind Kind, Guid ReferralId, string To, string Subject, string Body,
    IReadOnlyList<NotificationAttachment>? Attachments = null)
{
    public IReadOnlyList<NotificationAttachment> Files => Attachments ?? [];
}

/// <summary>A file sent with a notification, such as a calendar invitation.</summary>
public sealed record NotificationAttachment(string FileName, string ContentType, byte[] Content);

/// <summary>Delivers notifications: by SMTP when configured, otherwise to the log (without personal data).</summary>
public interface INotificationSender
{
    Task SendAsync(Notification notification, CancellationToken cancellation);
}

/// <summary>Section "Notifications": where coordinator-team messages go.</summary>
public sealed class NotificationOptions
{
    public string? CoordinatorTeamEmail { get; set; }
}

/// <summary>Section "Smtp". Without a Host, notifications go to the log instead.</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public bool UseTls { get; set; } = true;
    public string? User { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "matching@localhost";
}
