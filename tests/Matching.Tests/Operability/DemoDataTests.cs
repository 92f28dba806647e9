using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Referrals;
using Matching.DevHost.Seeding;
using Matching.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Matching.Tests.Operability;

/// <summary>The service with the development host's demo seeder beside it.</summary>
public class DemoFixture : AppFixture
{
    protected virtual bool SeedOnStart => false;

    protected override void ConfigureServices(IServiceCollection services) => services.AddDemoData(SeedOnStart);
}

public class DemoDataTests(DemoFixture app) : IClassFixture<DemoFixture>
{
    [Fact]
    public async Task demo_data_covers_every_status_once_and_only_into_an_empty_database()
    {
        var demo = app.Host.Services.GetRequiredService<DemoData>();
        (await demo.SeedAsync()).ShouldBeTrue();
        (await demo.SeedAsync()).ShouldBeFalse("a second run must not add anything");

        await using var session = app.Store.QuerySession();
        var clinicians = await session.Query<Clinician>().ToListAsync();
        clinicians.Count.ShouldBe(36);
        clinicians.Count(c => c.Offboarded).ShouldBe(1);
        clinicians.Count(c => c.Paused).ShouldBe(2);
        clinicians.Count(c => c.Profile.OffersKetamineAssistedTherapy).ShouldBeGreaterThanOrEqualTo(3);
        clinicians.ShouldAllBe(c => c.Profile.Email.EndsWith("@example.org"));

        var referrals = await session.Query<Referral>().ToListAsync();
        referrals.Count.ShouldBe(46);
        // Four from the partner clinic's system, sent over FHIR.
        referrals.Count(r => r.Partner?.Organization == DemoReferrals.PartnerOrganization).ShouldBe(4);
        referrals.Select(r => r.Status).Distinct().Count().ShouldBe(Enum.GetValues<ReferralStatus>().Length);
        referrals.ShouldContain(r => r.AwaitingRiskAcknowledgement && r.Risk!.Escalated);
        referrals.ShouldContain(r => r.Urgent && r.Risk != null && r.Risk.Acknowledged);
        referrals.ShouldContain(r => r.Closure != null && r.Closure.Outcome == ClosureOutcome.Engaged && r.RematchCount > 0 && r.Proposals.Any(p => p.Status == ProposalStatus.Declined));
        referrals.Where(r => r.Status == ReferralStatus.Closed).Select(r => r.Closure!.Outcome).Distinct().Count()
            .ShouldBe(Enum.GetValues<ClosureOutcome>().Length);
        referrals.ShouldAllBe(r => r.Intake.Client!.Email!.EndsWith("@example.org"));

        // The timers their commands would have started are scheduled too.
        var expiries = await app.Host.Stored<Matching.Service.Referrals.Expiring.ExpireProposal>();
        expiries.Select(x => x.ReferralId).Distinct().Count()
            .ShouldBe(referrals.Count(r => r.Status == ReferralStatus.Proposed));
        (await app.Host.Stored<Matching.Service.Referrals.Waitlisting.WaitlistCheckIn>()).Select(x => x.ReferralId).Distinct().Count()
            .ShouldBe(referrals.Count(r => r.Status == ReferralStatus.Waitlisted));

        // The inline snapshots agree with a replay of each stream.
        foreach (var referral in referrals)
        {
            var replayed = await session.Events.AggregateStreamAsync<Referral>(referral.Id);
            replayed!.Status.ShouldBe(referral.Status);
            replayed.StatusSince.ShouldBe(referral.StatusSince);
        }
    }

    [Fact]
    public void demo_directory_is_the_same_on_every_run()
    {
        var first = DemoClinicians.Create(new Random(DemoData.RandomSeed));
        var second = DemoClinicians.Create(new Random(DemoData.RandomSeed));
        second.Select(c => (c.Id, c.Profile.Name, c.Onboarded.CaseloadLimit))
            .ShouldBe(first.Select(c => (c.Id, c.Profile.Name, c.Onboarded.CaseloadLimit)));
    }
}

/// <summary>The README's way: the development host loads the demo when the service starts.</summary>
public sealed class SeededAtStartFixture : DemoFixture
{
    protected override bool SeedOnStart => true;
}

public class DemoDataAtStartTests(SeededAtStartFixture app) : IClassFixture<SeededAtStartFixture>
{
    [Fact]
    public async Task the_development_host_seeds_the_service_at_start_and_schedules_the_demo_timers()
    {
        var clinicians = 0;
        for (var attempt = 0; attempt < 100 && clinicians < 36; attempt++)
        {
            await using var session = app.Store.QuerySession();
            clinicians = await session.Query<Clinician>().CountAsync();
            if (clinicians < 36) await Task.Delay(200);
        }
        clinicians.ShouldBe(36);

        IReadOnlyList<Matching.Service.Referrals.Expiring.ExpireProposal> expiries = [];
        for (var attempt = 0; attempt < 50 && expiries.Count == 0; attempt++)
        {
            expiries = await app.Host.Stored<Matching.Service.Referrals.Expiring.ExpireProposal>();
            if (expiries.Count == 0) await Task.Delay(200);
        }
        expiries.ShouldNotBeEmpty();
    }
}
