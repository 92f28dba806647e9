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
    /// <summary>How far ahead the earliest open slot of a clinician is offered.</summary>
    public TimeSpan MinimumBookingNotice { get; set; } = TimeSpan.FromDays(1);
    /// <summary>How a client reaches the practice: shown on the thanks page and the privacy notice (either may be left unset).</summary>
    public string? PracticeEmail { get; set; }
    public string? PracticePhone { get; set; }
    public bool ApplySchemaOnStartup { get; set; }

    public TimeZoneInfo TimeZone => TimeZoneInfo.FindSystemTimeZoneById(PracticeTimeZone);

    private static readonly string[] Durations =
        [nameof(ProposalResponseWindow), nameof(RiskAcknowledgementWindow), nameof(WaitlistCheckInInterval), nameof(MinimumBookingNotice)];

    /// <summary>
    /// Re-reads the timer settings so that "72:00:00" means 72 hours, as the contract writes it
    /// (.NET's own TimeSpan parsing would read it as 72 days). "d.hh:mm:ss" keeps its meaning.
    /// </summary>
    public void ReadDurations(IConfigurationSection section) => ReadDurations(this, section, Durations);

    /// <summary>The same reading for the named TimeSpan properties of any options bound from <paramref name="section"/>.</summary>
    public static void ReadDurations<T>(T options, IConfigurationSection section, params string[] names) where T : class
    {
        foreach (var name in names)
        {
            var raw = section[name];
            if (string.IsNullOrWhiteSpace(raw)) continue;
            var value = ParseDuration(raw)
                        ?? throw new InvalidOperationException($"{section.Path}:{name} '{raw}' is not a duration such as 72:00:00 or 14.00:00:00.");
            typeof(T).GetProperty(name)!.SetValue(options, value);
        }
    }

    public static TimeSpan? ParseDuration(string raw)
    {
        var match = System.Text.RegularExpressions.Regex.Match(raw.Trim(), @"^(\d+):([0-5]\d):([0-5]\d)$");
        if (match.Success)
            return new TimeSpan(int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value), int.Parse(match.Groups[3].Value));
        return TimeSpan.TryParse(raw, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
    }

    /// <summary>The calendar date of an instant in the practice's time zone.</summary>
    public DateOnly PracticeDate(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, TimeZone).DateTime);
}
