using Alba;
using JasperFx.CommandLine;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Matching.Tests.Support;

/// <summary>The real clock, which a test can move forward (to get past a booked session's start).</summary>
public sealed class MovableClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}

/// <summary>Like <see cref="AppFixture"/>, with the service's TimeProvider replaced by a <see cref="MovableClock"/>.</summary>
public class LifecycleFixture : IAsyncLifetime
{
    public IAlbaHost Host { get; private set; } = null!;
    public MovableClock Clock { get; } = new();

    public async Task InitializeAsync()
    {
        JasperFxEnvironment.AutoStartHost = true;
        var connectionString = await TestDatabase.CreateDatabaseAsync(GetType().Name);
        Host = await AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:Marten", connectionString);
            builder.UseSetting("Matching:IntakeRateLimitPerMinute", "100000");
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
        });
    }

    public IDocumentStore Store => Host.Services.GetRequiredService<IDocumentStore>();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
