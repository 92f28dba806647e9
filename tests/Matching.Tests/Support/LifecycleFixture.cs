using Microsoft.Extensions.DependencyInjection;

namespace Matching.Tests.Support;

/// <summary>The real clock, which a test can move forward (to get past a booked session's start).</summary>
public sealed class MovableClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}

/// <summary>Like <see cref="AppFixture"/>, with the service's TimeProvider replaced by a <see cref="MovableClock"/>.</summary>
public class LifecycleFixture : AppFixture
{
    public MovableClock Clock { get; } = new();

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<TimeProvider>(Clock);
}
