using Alba;
using JasperFx.CommandLine;
using Matching.Service.Referrals;
using Matching.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using static Matching.Tests.Notifications.ClientMessageSteps;

namespace Matching.Tests.Notifications;

/// <summary>
/// Reminders on hosts this test starts and stops itself, on one database: a reminder scheduled before a restart goes out
/// once from the next host, and two nodes send each reminder once.
/// </summary>
public class ReminderRestartTests
{
    private const string Lead = "00:00:06";

    private static async Task<IAlbaHost> StartHost(string connectionString, LocalSmtpServer mail)
    {
        JasperFxEnvironment.AutoStartHost = true;
        return await AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:Marten", connectionString);
            builder.UseSetting("Matching:IntakeRateLimitPerMinute", "100000");
            builder.UseSetting("Matching:ClientLinkRateLimitPerMinute", "100000");
            builder.UseSetting("Matching:ReminderLeadTimes", Lead);
            builder.UseSetting("Smtp:Host", "127.0.0.1");
            builder.UseSetting("Smtp:Port", mail.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Smtp:UseTls", "false");
        });
    }

    /// <summary>A client accepted, then booked far enough ahead that the reminder falls due <paramref name="dueIn"/> from now.</summary>
    private static async Task<(ScenarioReferral Referral, string Email)> BookedClient(IAlbaHost host, TimeSpan dueIn)
    {
        var email = NewEmail();
        var accepted = await host.Submitted(IntakeFrom(email, phone: null)).Triaged().Proposed().Accepted();
        return (await Task.FromResult(accepted).Booked(host.Now() + dueIn + TimeSpan.Parse(Lead)), email);
    }

    private static IEnumerable<MimeKit.MimeMessage> Reminders(LocalSmtpServer mail, string email) =>
        mail.To(email).Where(m => m.Subject!.StartsWith("Reminder:", StringComparison.Ordinal));

    [Fact]
    public async Task a_reminder_scheduled_before_a_restart_goes_out_once_from_the_next_host()
    {
        await using var mail = new LocalSmtpServer();
        var database = await TestDatabase.CreateDatabaseAsync("reminder-restart");
        var first = await StartHost(database, mail);
        var (r, email) = await BookedClient(first, dueIn: TimeSpan.FromSeconds(8));
        (await r.Events()).ShouldNotContain(e => e.Data is FirstSessionReminderSent, "the first host stops before it falls due");
        await first.StopAsync();
        await first.DisposeAsync();

        await using var second = await StartHost(database, mail);
        await Exactly(() => Reminders(mail, email), 1, TimeSpan.FromSeconds(60));

        var onSecond = r with { Host = second };
        (await onSecond.Events()).Count(e => e.Data is FirstSessionReminderSent).ShouldBe(1);
    }

    [Fact]
    public async Task two_hosts_on_one_database_send_each_reminder_once()
    {
        await using var mail = new LocalSmtpServer();
        var database = await TestDatabase.CreateDatabaseAsync("reminder-twonodes");
        await using var a = await StartHost(database, mail);
        await using var b = await StartHost(database, mail);

        var booked = new List<(ScenarioReferral Referral, string Email)>();
        for (var i = 0; i < 2; i++)
        {
            booked.Add(await BookedClient(a, TimeSpan.FromSeconds(8)));
            booked.Add(await BookedClient(b, TimeSpan.FromSeconds(8)));
        }

        foreach (var (r, email) in booked)
        {
            await Exactly(() => Reminders(mail, email), 1, TimeSpan.FromSeconds(60));
            (await r.Events()).Count(e => e.Data is FirstSessionReminderSent).ShouldBe(1);
        }
    }
}
