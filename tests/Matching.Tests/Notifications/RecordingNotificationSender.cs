using System.Collections.Concurrent;
using Matching.Service.Notifications;

namespace Matching.Tests.Notifications;

/// <summary>Keeps every notification the service sends, for tests to look at.</summary>
public sealed class RecordingNotificationSender : INotificationSender
{
    private readonly ConcurrentQueue<Notification> _sent = new();

    public IReadOnlyList<Notification> Sent => _sent.ToArray();

    public IReadOnlyList<Notification> For(Guid referralId, NotificationKind kind) =>
        _sent.Where(n => n.ReferralId == referralId && n.Kind == kind).ToArray();

    public Task SendAsync(Notification notification, CancellationToken cancellation)
    {
        _sent.Enqueue(notification);
        return Task.CompletedTask;
    }

    /// <summary>Polls (bounded) until the referral has a notification of that kind.</summary>
    public async Task<Notification> WaitFor(Guid referralId, NotificationKind kind, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            if (For(referralId, kind).FirstOrDefault() is { } found) return found;
            await Task.Delay(50);
        }
        throw new TimeoutException($"No {kind} notification for referral {referralId}.");
    }
}
