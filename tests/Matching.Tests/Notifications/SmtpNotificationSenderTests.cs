using System.Net;
using System.Net.Sockets;
using System.Text;
using Matching.Service.Notifications;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Matching.Tests.Notifications;

/// <summary>The SMTP sender against a minimal fake SMTP server on a loopback port.</summary>
public class SmtpNotificationSenderTests
{
    [Fact]
    public async Task sends_the_notification_as_mail_to_its_recipient()
    {
        using var server = new FakeSmtpServer();
        var sender = new SmtpNotificationSender(
            Options.Create(new SmtpOptions { Host = "127.0.0.1", Port = server.Port, UseTls = false, From = "matching@practice.example" }),
            NullLogger<SmtpNotificationSender>.Instance);

        await sender.SendAsync(new Notification(NotificationKind.FirstSessionToClient, Guid.NewGuid(), "ann@example.org",
            "Your first session is booked", "See you Monday."), CancellationToken.None);

        var transcript = await server.Received;
        transcript.ShouldContain("MAIL FROM:<matching@practice.example>");
        transcript.ShouldContain("RCPT TO:<ann@example.org>");
        transcript.ShouldContain("Subject: Your first session is booked");
        transcript.ShouldContain("See you Monday.");
    }

    [Fact]
    public async Task a_notification_without_an_address_is_not_sent()
    {
        var sender = new SmtpNotificationSender(
            Options.Create(new SmtpOptions { Host = "127.0.0.1", Port = 1, UseTls = false }), NullLogger<SmtpNotificationSender>.Instance);

        // Port 1 refuses connections: returning quietly means no connection was tried.
        await sender.SendAsync(new Notification(NotificationKind.FirstSessionToClient, Guid.NewGuid(), "", "s", "b"), CancellationToken.None);
    }

    private sealed class FakeSmtpServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

        public FakeSmtpServer()
        {
            _listener.Start();
            Received = ServeOneAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
        public Task<string> Received { get; }

        private async Task<string> ServeOneAsync()
        {
            using var client = await _listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(10));
            await using var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            var transcript = new StringBuilder();
            await writer.WriteLineAsync("220 fake ESMTP");
            while (await reader.ReadLineAsync() is { } line)
            {
                transcript.AppendLine(line);
                var verb = line.Split(' ')[0].ToUpperInvariant();
                if (verb is "EHLO" or "HELO") await writer.WriteLineAsync("250 fake");
                else if (verb == "DATA")
                {
                    await writer.WriteLineAsync("354 go ahead");
                    while (await reader.ReadLineAsync() is { } data && data != ".") transcript.AppendLine(data);
                    await writer.WriteLineAsync("250 queued");
                }
                else if (verb == "QUIT")
                {
                    await writer.WriteLineAsync("221 bye");
                    break;
                }
                else await writer.WriteLineAsync("250 ok");
            }
            return transcript.ToString();
        }

        public void Dispose() => _listener.Stop();
    }
}
