using Alba;
using JasperFx.CommandLine;
using Marten;
using Matching.Service.Notifications;
using Matching.Service.Referrals;
using Matching.Tests.Notifications;
using Matching.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Matching.Tests.Referrals.Expiring;

/// <summary>
/// Timers on the real clock with short windows, on hosts this test starts and stops itself: a
/// timer survives a restart, and two nodes on one database fire each timer once.
/// </summary>
public class DurableTimerTests
{
    private const string Window = "00:00:05";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static async Task<(IAlbaHost Host, RecordingNotificationSender Sent)> StartHost(string connectionString)
    {
        JasperFxEnvironment.AutoStartHost = true;
        var sent = new RecordingNotificationSender();
        var host = await AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:Marten", connectionString);
            builder.UseSetting("Matching:IntakeRateLimitPerMinute", "100000");
            builder.UseSetting("Matching:ClientLinkRateLimitPerMinute", "100000");
            builder.UseSetting("Matching:ProposalResponseWindow", Window);
            builder.UseSetting("Matching:RiskAcknowledgementWindow", Window);
            builder.ConfigureTestServices(s => s.AddSingleton<INotificationSender>(sent));
        });
        return (host, sent);
    }

    /// <summary>Proposals and unacknowledged urgent intakes, all due one window from now.</summary>
    private static async Task<(List<Guid> Proposed, List<Guid> Urgent)> ScheduleTimers(IAlbaHost host, int each)
    {
        var clinician = await host.OnboardedClinician();
        var proposed = new List<Guid>();
        var urgent = new List<Guid>();
        for (var i = 0; i < each; i++)
        {
            proposed.Add((await host.SubmittedReferral().Triaged().ProposedTo(clinician)).Id);
            urgent.Add((await host.SubmittedReferral(urgent: true)).Id);
        }
        return (proposed, urgent);
    }

    private static async Task AssertEachFiredOnce(IDocumentStore store, IEnumerable<Guid> proposed, IEnumerable<Guid> urgent)
    {
        foreach (var id in proposed)
        {
            await store.WaitForEvents(id, e => e.Any(x => x.Data is ProposalExpired), Patience);
        }
        foreach (var id in urgent)
        {
            await store.WaitForEvents(id, e => e.Any(x => x.Data is RiskEscalated), Patience);
        }
        // Give a second delivery time to show itself, were there one.
        await Task.Delay(TimeSpan.FromSeconds(2));
        foreach (var id in proposed)
            (await store.EventsOf(id)).Count(e => e.Data is ProposalExpired).ShouldBe(1, $"expiries of {id}");
        foreach (var id in urgent)
            (await store.EventsOf(id)).Count(e => e.Data is RiskEscalated).ShouldBe(1, $"escalations of {id}");
    }

    [Fact]
    public async Task timers_scheduled_before_a_restart_fire_once_on_the_next_host()
    {
        var database = await TestDatabase.CreateDatabaseAsync("restart");
        var (first, _) = await StartHost(database);
        var (proposed, urgent) = await ScheduleTimers(first, each: 3);
        var store = first.Services.GetRequiredService<IDocumentStore>();
        foreach (var id in proposed.Concat(urgent))
            (await store.EventsOf(id)).ShouldNotContain(e => e.Data is ProposalExpired || e.Data is RiskEscalated,
                "the first host stops before anything falls due");
        await first.StopAsync();
        await first.DisposeAsync();

        var (second, sent) = await StartHost(database);
        await using (second)
        {
            await AssertEachFiredOnce(second.Services.GetRequiredService<IDocumentStore>(), proposed, urgent);
            foreach (var id in urgent)
                (await sent.WaitFor(id, NotificationKind.EscalationToCoordinators)).ShouldNotBeNull();
            foreach (var id in urgent) sent.For(id, NotificationKind.EscalationToCoordinators).Count.ShouldBe(1);
        }
    }

    [Fact]
    public async Task two_hosts_on_one_database_fire_each_timer_once()
    {
        var database = await TestDatabase.CreateDatabaseAsync("twonodes");
        var (a, sentByA) = await StartHost(database);
        var (b, sentByB) = await StartHost(database);
        await using (a)
        await using (b)
        {
            var fromA = await ScheduleTimers(a, each: 2);
            var fromB = await ScheduleTimers(b, each: 2);
            var proposed = fromA.Proposed.Concat(fromB.Proposed).ToList();
            var urgent = fromA.Urgent.Concat(fromB.Urgent).ToList();

            await AssertEachFiredOnce(a.Services.GetRequiredService<IDocumentStore>(), proposed, urgent);

            var deadline = DateTime.UtcNow + Patience;
            bool AllNotified() => urgent.All(id =>
                sentByA.For(id, NotificationKind.EscalationToCoordinators).Count + sentByB.For(id, NotificationKind.EscalationToCoordinators).Count > 0);
            while (!AllNotified() && DateTime.UtcNow < deadline) await Task.Delay(100);
            foreach (var id in urgent)
                (sentByA.For(id, NotificationKind.EscalationToCoordinators).Count + sentByB.For(id, NotificationKind.EscalationToCoordinators).Count)
                    .ShouldBe(1, $"escalation notices for {id}");
        }
    }
}
