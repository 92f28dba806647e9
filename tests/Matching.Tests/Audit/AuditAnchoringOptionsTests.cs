using Matching.Service.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Matching.Tests.Audit;

/// <summary>The "Audit" section of the configuration, read without a host.</summary>
public class AuditAnchoringOptionsTests
{
    [Theory]
    [InlineData(null, 5 * 60)]
    [InlineData("00:01:30", 90)]
    [InlineData("72:00:00", 72 * 3600)]
    public void the_checkpoint_interval_is_read_like_the_other_durations(string? raw, int seconds)
    {
        var builder = WebApplication.CreateBuilder();
        if (raw is not null) builder.Configuration["Audit:CheckpointInterval"] = raw;
        builder.AddMatchingAuditAnchoring();
        using var services = builder.Services.BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<AuditAnchoringOptions>>().Value;

        options.CheckpointInterval.ShouldBe(TimeSpan.FromSeconds(seconds));
        options.SigningKeyPath.ShouldBeNull();
        services.GetRequiredService<AuditAnchor>().Key.ShouldBeNull();
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("00:00:00")]
    public void a_checkpoint_interval_that_is_not_a_positive_duration_is_refused_with_its_setting_named(string raw)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["Audit:CheckpointInterval"] = raw;
        builder.AddMatchingAuditAnchoring();
        using var services = builder.Services.BuildServiceProvider();

        Should.Throw<Exception>(() => services.GetRequiredService<IOptions<AuditAnchoringOptions>>().Value)
            .Message.ShouldContain("Audit:CheckpointInterval");
    }
}
