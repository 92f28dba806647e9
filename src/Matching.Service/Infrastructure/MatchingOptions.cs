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
    /// <summary>How long a client's link works after it is issued.</summary>
    public TimeSpan ClientLinkLifetime { get; set; } = TimeSpan.FromDays(30);
    /// <summary>Until how long before the first session the client may move or cancel it from their link.</summary>
    public TimeSpan ClientChangeCutoff { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Until when the client may move or cancel, from their link, a session starting at <paramref name="startsAt"/>.</summary>
    public DateTimeOffset ClientChangeableUntil(DateTimeOffset startsAt) => startsAt - ClientChangeCutoff;

    public bool ClientMayChange(DateTimeOffset startsAt, DateTimeOffset now) => now < ClientChangeableUntil(startsAt);
    /// <summary>How long before the first session each reminder goes out: "2.00:00:00,02:00:00" is two days and two hours.</summary>
    public string ReminderLeadTimes { get; set; } = "2.00:00:00,02:00:00";
    /// <summary>Requests a client's link may make in a minute from one address (wrong tokens included).</summary>
    public int ClientLinkRateLimitPerMinute { get; set; } = 60;
    /// <summary>The address clients reach the service at: links in messages start with it.</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:5080";
    /// <summary>How a client reaches the practice: shown on the thanks page and the privacy notice (either may be left unset).</summary>
    public string? PracticeEmail { get; set; }
    public string? PracticePhone { get; set; }
    public bool ApplySchemaOnStartup { get; set; }

    public TimeZoneInfo TimeZone => TimeZoneInfo.FindSystemTimeZoneById(PracticeTimeZone);

    private static readonly string[] Durations =
        [nameof(ProposalResponseWindow), nameof(RiskAcknowledgementWindow), nameof(WaitlistCheckInInterval), nameof(MinimumBookingNotice),
         nameof(ClientLinkLifetime), nameof(ClientChangeCutoff)];

    /// <summary><see cref="ReminderLeadTimes"/> read, longest first; a setting that doesn't read stops the start.</summary>
    public IReadOnlyList<TimeSpan> ReminderLeads => ReminderLeadTimes
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(raw => ParseDuration(raw) is { } lead && lead > TimeSpan.Zero
            ? lead
            : throw new InvalidOperationException($"Matching:ReminderLeadTimes '{raw}' is not a duration such as 2.00:00:00 or 02:00:00."))
        .Distinct().OrderDescending().ToList();

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
