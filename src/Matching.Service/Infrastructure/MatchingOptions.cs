namespace Matching.Service.Infrastructure;

/// <summary>The practice's timers and limits (section "Matching" of the configuration).</summary>
public sealed class MatchingOptions
{
    public TimeSpan ProposalResponseWindow { get; set; } = TimeSpan.FromHours(72);
    public TimeSpan RiskAcknowledgementWindow { get; set; } = TimeSpan.FromMinutes(15);
    public TimeSpan WaitlistCheckInInterval { get; set; } = TimeSpan.FromDays(14);
    /// <summary>Service levels the queue tracks: urgent contact, routine first contact, first session offered.</summary>
    public TimeSpan UrgentContactWindow { get; set; } = TimeSpan.FromHours(1);
    public int FirstContactBusinessDays { get; set; } = 1;
    public int FirstSessionBusinessDays { get; set; } = 10;
    public int IntakeRateLimitPerMinute { get; set; } = 30;
    public string PracticeTimeZone { get; set; } = "America/Denver";
    public bool SeedDemoData { get; set; }
    public bool ApplySchemaOnStartup { get; set; }

    public TimeZoneInfo TimeZone => TimeZoneInfo.FindSystemTimeZoneById(PracticeTimeZone);

    /// <summary>The calendar date of an instant in the practice's time zone.</summary>
    public DateOnly PracticeDate(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, TimeZone).DateTime);
}
