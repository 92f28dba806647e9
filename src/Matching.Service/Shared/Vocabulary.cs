namespace Matching.Service.Shared;

// The closed vocabularies of product.md. They travel as camelCase strings on the wire.

public enum Concern
{
    Anxiety, Depression, Trauma, Grief, Relationships, Attachment, FamilyDynamics, Stress,
    LifeTransitions, SelfEsteem, SubstanceUse, EatingDisorders, Ocd, Adhd, Bipolar, Perinatal,
    ChronicPain, LgbtqIdentity, Anger, Sleep
}

public enum Modality
{
    Cbt, Dbt, Emdr, Somatic, Ifs, Psychodynamic, Act, Gottman, Eft, Mindfulness, KetamineAssisted,
    PlayTherapy, FamilySystems, Narrative, SolutionFocused
}

/// <summary>How a session is delivered.</summary>
public enum SessionFormat { InPerson, Telehealth }

/// <summary>What the client accepts: one format or either.</summary>
public enum FormatPreference { InPerson, Telehealth, Either }

public enum SessionType { Individual, Couples, Family }

public enum AgeGroup { Child, Adolescent, Adult, OlderAdult }

public enum Gender { Female, Male, NonBinary }

public enum WeekDay { Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday }

/// <summary>A weekly window, in the owner's local time ("17:00" to "20:00").</summary>
public sealed record AvailabilityWindow(WeekDay? Day, string? From, string? To)
{
    /// <summary>What <see cref="TryParse" /> reads (HH:mm), for the API document.</summary>
    public const string TimePattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$";

    public bool TryParse(out TimeOnly from, out TimeOnly to)
    {
        from = default;
        to = default;
        return TimeOnly.TryParseExact(From, "HH:mm", out from)
               && TimeOnly.TryParseExact(To, "HH:mm", out to)
               && from < to;
    }

    /// <summary>The window as events keep it: only for one validated to have a day and its times.</summary>
    public WeeklyWindow AsWeekly() => new(Day!.Value, From!, To!);
}

/// <summary>A weekly window as events keep it once validated: a day, and HH:mm times with from before to.</summary>
public sealed record WeeklyWindow(WeekDay Day, string From, string To)
{
    /// <summary>The same window in the shape requests carry and the matching engine reads.</summary>
    public AvailabilityWindow AsAvailability() => new(Day, From, To);
}

/// <summary>A window as events stored it before they had <see cref="WeeklyWindow"/>: the request's record, all-nullable.</summary>
public sealed record AvailabilityWindowV1(WeekDay? Day, string? From, string? To)
{
    /// <summary>
    /// The windows that have a day and HH:mm times with from before to, as events keep them now: the only ones the matching
    /// engine ever read (it skips the others).
    /// </summary>
    public static IReadOnlyList<WeeklyWindow> Complete(IEnumerable<AvailabilityWindowV1?>? windows) =>
        windows?.Select(w => w is null ? null : new AvailabilityWindow(w.Day, w.From, w.To))
            .Where(InputLimits.IsValidWindow)
            .Select(w => w!.AsWeekly()).ToList() ?? [];
}

public static class UsStates
{
    public static readonly IReadOnlySet<string> Codes = new HashSet<string>(StringComparer.Ordinal)
    {
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
        "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
        "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
        "WV", "WI", "WY", "PR", "GU", "VI", "AS", "MP"
    };

    public static bool IsValid(string? code) => code is not null && Codes.Contains(code);
}

public static class AgeGroups
{
    /// <summary>Age in whole years on a date, and the group product.md derives from it.</summary>
    public static int AgeOn(DateOnly dateOfBirth, DateOnly on)
    {
        var age = on.Year - dateOfBirth.Year;
        if (on < dateOfBirth.AddYears(age)) age--;
        return age;
    }

    public static AgeGroup ForAge(int age) => age switch
    {
        < 13 => AgeGroup.Child,
        < 18 => AgeGroup.Adolescent,
        < 65 => AgeGroup.Adult,
        _ => AgeGroup.OlderAdult
    };
}
