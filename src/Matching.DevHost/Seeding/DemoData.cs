using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Shared;
using Matching.Service.Referrals.Escalating;
using Matching.Service.Referrals.Expiring;
using Matching.Service.Referrals.Waitlisting;
using Wolverine;

namespace Matching.DevHost.Seeding;

/// <summary>
/// Demo data for a fresh database: 36 clinicians and 42 referrals covering every status, appended
/// as events (so every projection sees exactly what the commands would have produced). Deterministic
/// (a seeded <see cref="Random" />; times relative to now) and idempotent: it does nothing once any
/// clinician exists. Everything in it is fictional.
/// </summary>
public sealed class DemoData(IDocumentStore store, TimeProvider time, MatchingOptions options, IServiceProvider services, ILogger<DemoData> logger)
{
    public const int RandomSeed = 20_240_611;

    private static readonly Actor Admin = new("admin.demo", "Practice Admin (demo)", Roles.Admin);
    private static readonly Actor Coordinator = new("maria.alvarez", "Maria Alvarez (demo)", Roles.Coordinator);
    private static readonly Actor Coordinator2 = new("james.tran", "James Tran (demo)", Roles.Coordinator);

    /// <summary>Seeds when the database holds no clinician; returns whether it did.</summary>
    public async Task<bool> SeedAsync(CancellationToken cancellation = default)
    {
        await using (var query = store.QuerySession())
        {
            if (await query.Query<Clinician>().AnyAsync(cancellation))
            {
                logger.LogInformation("Demo data: clinicians already exist, nothing to seed");
                return false;
            }
        }

        var random = new Random(RandomSeed);
        var now = time.GetUtcNow();
        now = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);

        logger.LogInformation("Demo data: seeding clinicians and referrals (seed {Seed})", RandomSeed);
        // One transaction: a failure leaves the database empty, so the next start tries again.
        await using var session = store.LightweightSession();
        var clinicians = DemoClinicians.Create(random);
        AppendClinicians(session, clinicians, now);
        logger.LogInformation("Demo data: {Count} clinicians ({Paused} paused, {NotAccepting} not accepting, {Offboarded} offboarded)",
            clinicians.Count,
            clinicians.Count(c => c.Fate == DemoClinicianFate.Paused),
            clinicians.Count(c => c.Fate == DemoClinicianFate.NotAccepting),
            clinicians.Count(c => c.Fate == DemoClinicianFate.Offboarded));

        var stories = new DemoReferrals(random, options, now, clinicians, Coordinator, Coordinator2).Create();
        AppendReferrals(session, stories);
        foreach (var group in stories.GroupBy(s => s.Status).OrderBy(g => g.Key))
            logger.LogInformation("Demo data: {Count} referrals {Status}", group.Count(), group.Key);
        await session.SaveChangesAsync(cancellation);
        logger.LogInformation("Demo data: saved ({Referrals} referrals, {Events} referral events)",
            stories.Count, stories.Sum(s => s.Events.Count));
        var timers = await ScheduleTimersAsync(stories.Select(s => s.Id).ToList(), now, cancellation);
        logger.LogInformation("Demo data: {Timers} timers scheduled (proposal expiries, risk checks, waitlist check-ins)", timers);
        return true;
    }

    /// <summary>
    /// The events were written directly, so start the timers their commands would have started:
    /// expiry of open proposals, the risk check of unacknowledged flags, the next waitlist check-in.
    /// Timers already due fire at once; their handlers decide from the referral's state as usual.
    /// </summary>
    private async Task<int> ScheduleTimersAsync(IReadOnlyList<Guid> referralIds, DateTimeOffset now, CancellationToken cancellation)
    {
        await using var query = store.QuerySession();
        var referrals = await query.LoadManyAsync<Referral>(cancellation, referralIds);
        await using var scope = services.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<IMessageBus>();
        TimeSpan After(DateTimeOffset at) => at > now ? at - now : TimeSpan.FromSeconds(1);

        var count = 0;
        foreach (var referral in referrals)
        {
            if (referral.OpenProposal is { } open)
            {
                await bus.ScheduleAsync(new ExpireProposal(referral.Id, open.Id), After(open.ExpiresAt));
                count++;
            }
            if (referral.Risk is { Acknowledged: false, Escalated: false } risk && referral.Status != ReferralStatus.Closed)
            {
                await bus.ScheduleAsync(new CheckRiskAcknowledgement(referral.Id), After(risk.FlaggedAt + options.RiskAcknowledgementWindow));
                count++;
            }
            if (referral.Status == ReferralStatus.Waitlisted)
            {
                var next = new WaitlistCheckIn(referral.Id, referral.Waitlistings, referral.WaitlistCheckIns + 1);
                await bus.ScheduleAsync(next, After(WaitlistCheckInHandler.LastCheckIn(referral) + options.WaitlistCheckInInterval));
                count++;
            }
        }
        return count;
    }

    private static void AppendClinicians(IDocumentSession session, IReadOnlyList<DemoClinician> clinicians, DateTimeOffset now)
    {
        for (var i = 0; i < clinicians.Count; i++)
        {
            var clinician = clinicians[i];
            var onboardedAt = now.AddDays(-200 + 3 * i).AddHours(-5);
            var events = new List<object> { Stamp(clinician.Onboarded, onboardedAt, Admin) };
            switch (clinician.Fate)
            {
                case DemoClinicianFate.NotAccepting:
                    events.Add(Stamp(new ClinicianCapacityChanged(clinician.Onboarded.CaseloadLimit, 0, false), now.AddDays(-20), Admin));
                    break;
                case DemoClinicianFate.Paused:
                    events.Add(Stamp(new ClinicianPaused("Planned leave"), now.AddDays(-12), Admin));
                    break;
                case DemoClinicianFate.Offboarded:
                    events.Add(Stamp(new ClinicianOffboarded("Relocated out of the practice's region"), now.AddDays(-30), Admin));
                    break;
            }
            session.Events.StartStream<Clinician>(clinician.Id, events.ToArray());
        }
    }

    private static void AppendReferrals(IDocumentSession session, IReadOnlyList<DemoStory> stories)
    {
        foreach (var story in stories)
        {
            session.Events.StartStream<Referral>(story.Id, story.Events.Cast<object>().ToArray());

            // Booked and attended first sessions hold their slot, as the booking command would have written it.
            if (story.Referral.FirstSession is { Status: FirstSessionStatus.Booked or FirstSessionStatus.Attended } slot)
            {
                session.QueueSqlCommand(
                    $"insert into {FirstSessionSlots.Table} (session_id, referral_id, clinician_id, during) " +
                    "values (?, ?, ?, tstzrange(?, ?)) on conflict do nothing",
                    slot.Id, story.Id, slot.ClinicianId, slot.StartsAt, slot.EndsAt);
            }
        }
    }

    private static JasperFx.Events.IEvent Stamp<T>(T data, DateTimeOffset at, Actor actor) where T : notnull
    {
        var wrapper = new JasperFx.Events.Event<T>(data) { Timestamp = at, UserName = actor.Sub };
        wrapper.SetHeader(Actor.SubHeader, actor.Sub);
        wrapper.SetHeader(Actor.NameHeader, actor.Name);
        wrapper.SetHeader(Actor.RoleHeader, actor.Role);
        return wrapper;
    }
}

public static class DemoDataRegistration
{
    /// <summary>
    /// The demo seeder, and with <paramref name="seedOnStart" /> its run at start-up. Call after the service's own
    /// registrations: hosted services start in registration order, so the schema is in place first.
    /// </summary>
    public static IServiceCollection AddDemoData(this IServiceCollection services, bool seedOnStart)
    {
        services.AddSingleton<DemoData>();
        if (seedOnStart) services.AddHostedService<DemoDataOnStartup>();
        return services;
    }
}

/// <summary>Runs the demo seeding after the schema is in place.</summary>
/// <remarks>
/// Seeds once the host has started: the demo's timers are Wolverine messages, and Wolverine starts
/// with the host, after this service's StartAsync.
/// </remarks>
internal sealed class DemoDataOnStartup(DemoData demo, IHostApplicationLifetime lifetime, ILogger<DemoDataOnStartup> logger) : IHostedService
{
    private Task _seeding = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _seeding = Task.Run(async () =>
        {
            try
            {
                await demo.SeedAsync(lifetime.ApplicationStopping);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Demo data could not be loaded");
            }
        }));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _seeding.WaitAsync(cancellationToken);
}
