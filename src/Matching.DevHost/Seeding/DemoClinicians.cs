using Matching.Service.Clinicians;
using Matching.Service.Shared;

namespace Matching.DevHost.Seeding;

/// <summary>A demo clinician: the onboarding event plus what happened to them afterwards.</summary>
internal sealed record DemoClinician(
    Guid Id,
    string Sub,
    ClinicianOnboarded Onboarded,
    DemoClinicianFate Fate)
{
    public ClinicianProfile Profile => Onboarded.Profile;
    public bool OpenToNewClients => Fate == DemoClinicianFate.Active && Onboarded.AcceptingNewClients;
}

internal enum DemoClinicianFate { Active, NotAccepting, Paused, Offboarded }

/// <summary>
/// Three dozen fictional clinicians across the practice's states. Names, emails and numbers are
/// invented (example.org); attributes are drawn from a seeded <see cref="Random" /> so every run
/// gives the same directory.
/// </summary>
internal static class DemoClinicians
{
    private sealed record Seed(
        string Name, string Credentials, Gender Gender, string Home, string[] AlsoLicensed, string[] Languages,
        bool Ketamine = false, DemoClinicianFate Fate = DemoClinicianFate.Active);

    private static readonly Seed[] Seeds =
    [
        new("Grace Kim", "LPC", Gender.Female, "CO", ["WY"], ["English", "Korean"]),
        new("Daniel Ortiz", "LCSW", Gender.Male, "CO", ["NM"], ["English", "Spanish"]),
        new("Priya Raman", "MD", Gender.Female, "CO", ["UT", "WY"], ["English", "Hindi"], Ketamine: true),
        new("Marcus Bell", "PsyD", Gender.Male, "CO", [], ["English"], Fate: DemoClinicianFate.NotAccepting),
        new("Elena Vargas", "LMFT", Gender.Female, "CO", ["NM"], ["English", "Spanish"]),
        new("Hannah Whitfield", "LPC", Gender.Female, "CO", [], ["English"]),
        new("Samuel Okafor", "LCSW", Gender.Male, "CO", ["WY"], ["English"]),
        new("Lucia Moreno", "LPC", Gender.Female, "CO", [], ["English", "Spanish"]),
        new("Jordan Avery", "LMFT", Gender.NonBinary, "CO", ["UT"], ["English"]),
        new("Naomi Feld", "PhD", Gender.Female, "CO", [], ["English", "Hebrew"]),
        new("Tomas Herrera", "LCSW", Gender.Male, "CO", ["NM", "WY"], ["English", "Spanish"]),
        new("Claire Donnelly", "LPC", Gender.Female, "CO", [], ["English"], Fate: DemoClinicianFate.Paused),
        new("Isaiah Brooks", "LPC", Gender.Male, "CO", [], ["English"]),
        new("Mei Chen", "PsyD", Gender.Female, "CO", ["UT"], ["English", "Mandarin"]),
        new("Rafael Castillo", "LMFT", Gender.Male, "CO", [], ["English", "Spanish"]),
        new("Olivia Hart", "LCSW", Gender.Female, "CO", ["WY"], ["English"]),
        new("Noah Whitaker", "PMHNP", Gender.Male, "CO", ["WY"], ["English"], Ketamine: true),
        new("Sofia Delgado", "LPC", Gender.Female, "CO", [], ["English", "Spanish"]),
        new("Ethan Lindqvist", "PhD", Gender.Male, "CO", [], ["English", "Swedish"], Fate: DemoClinicianFate.Paused),
        new("Amara Nwosu", "LCSW", Gender.Female, "CO", ["NM"], ["English"]),
        new("Benjamin Yazzie", "LPCC", Gender.Male, "NM", ["CO", "UT"], ["English", "Navajo"]),
        new("Julia Santos", "LMFT", Gender.Female, "NM", [], ["English", "Spanish", "Portuguese"]),
        new("Diego Ramirez", "LPCC", Gender.Male, "NM", ["CO"], ["English", "Spanish"]),
        new("Leah Goldberg", "MD", Gender.Female, "NM", ["CO"], ["English"], Ketamine: true),
        new("Carmen Rios", "LISW", Gender.Female, "NM", [], ["English", "Spanish"]),
        new("Kai Nakamura", "CMHC", Gender.NonBinary, "UT", ["CO"], ["English", "Japanese"]),
        new("Tessa Morgan", "LCSW", Gender.Female, "UT", [], ["English"]),
        new("Aaron Begay", "PhD", Gender.Male, "UT", ["NM"], ["English", "Navajo"]),
        new("Ruth Abernathy", "LMFT", Gender.Female, "UT", [], ["English"], Fate: DemoClinicianFate.NotAccepting),
        new("Ines Fuentes", "CMHC", Gender.Female, "UT", ["CO"], ["English", "Spanish"]),
        new("Riley Quinn", "LPC", Gender.NonBinary, "WY", ["CO"], ["English"]),
        new("Victor Alvarez", "LCSW", Gender.Male, "WY", [], ["English", "Spanish"]),
        new("Maya Patel", "LPC", Gender.Female, "WY", ["CO", "MT"], ["English", "Gujarati"]),
        new("Owen Fitzgerald", "PMHNP", Gender.Male, "WY", ["CO"], ["English"], Ketamine: true, Fate: DemoClinicianFate.Offboarded),
        new("Caleb Redhorse", "LCSW", Gender.Male, "CO", ["WY", "MT"], ["English"]),
        new("Alma Reyes", "LPC", Gender.Female, "CO", ["AZ"], ["English", "Spanish"])
    ];

    private static readonly string[] Payers = ["Aetna", "Cigna", "UnitedHealthcare", "Anthem", "Kaiser Permanente", "Medicaid", "Tricare"];

    private static readonly Dictionary<string, string> TimeZones = new()
    {
        ["CO"] = "America/Denver", ["WY"] = "America/Denver", ["NM"] = "America/Denver", ["UT"] = "America/Denver"
    };

    /// <summary>One invented office per state (fixed, so the seeded draws and with them the directory stay as they were).</summary>
    private static readonly Dictionary<string, string> Offices = new()
    {
        ["CO"] = "1550 Larimer St, Suite 400, Denver, CO 80202", ["WY"] = "210 W 17th St, Suite 2, Cheyenne, WY 82001",
        ["NM"] = "320 Gold Ave SW, Suite 610, Albuquerque, NM 87102", ["UT"] = "175 S Main St, Suite 900, Salt Lake City, UT 84111"
    };

    public static IReadOnlyList<DemoClinician> Create(Random random)
    {
        var clinicians = new List<DemoClinician>();
        foreach (var seed in Seeds)
        {
            var id = NextGuid(random);
            var first = seed.Name.Split(' ')[0].ToLowerInvariant();
            var last = seed.Name.Split(' ')[^1].ToLowerInvariant();
            var sub = $"{first}.{last}";

            var formats = random.Next(10) switch
            {
                < 2 => new[] { SessionFormat.Telehealth },
                < 4 => [SessionFormat.InPerson],
                _ => [SessionFormat.InPerson, SessionFormat.Telehealth]
            };
            var couplesOrFamily = seed.Credentials is "LMFT" || random.Next(3) == 0;
            SessionType[] sessionTypes = seed.Credentials is "LMFT"
                ? [SessionType.Individual, SessionType.Couples, SessionType.Family]
                : couplesOrFamily ? [SessionType.Individual, SessionType.Couples] : [SessionType.Individual];
            AgeGroup[] ageGroups = random.Next(6) switch
            {
                0 => [AgeGroup.Child, AgeGroup.Adolescent, AgeGroup.Adult],
                1 => [AgeGroup.Adolescent, AgeGroup.Adult],
                2 => [AgeGroup.Adult, AgeGroup.OlderAdult],
                _ => [AgeGroup.Adolescent, AgeGroup.Adult, AgeGroup.OlderAdult]
            };
            var specialties = Pick(random, Enum.GetValues<Concern>(), 3 + random.Next(4)).ToList();
            var modalities = Pick(random, Enum.GetValues<Modality>().Where(m => m != Modality.KetamineAssisted).ToArray(), 2 + random.Next(3)).ToList();
            if (seed.Ketamine)
            {
                modalities.Add(Modality.KetamineAssisted);
                foreach (var c in new[] { Concern.Depression, Concern.Trauma }) if (!specialties.Contains(c)) specialties.Add(c);
            }
            if (ageGroups.Contains(AgeGroup.Child) && !modalities.Contains(Modality.PlayTherapy)) modalities.Add(Modality.PlayTherapy);
            if (sessionTypes.Contains(SessionType.Couples) && !modalities.Contains(Modality.Gottman)) modalities.Add(Modality.Gottman);

            var payers = random.Next(8) == 0 ? [] : Pick(random, Payers, 2 + random.Next(3)).ToList();
            decimal? selfPay = 110 + 10 * random.Next(12);
            decimal? sliding = random.Next(3) == 0 ? 60 + 10 * random.Next(4) : null;

            var profile = new ClinicianProfile(
                seed.Name, seed.Credentials, $"{sub}@example.org", TimeZones.GetValueOrDefault(seed.Home, "America/Denver"),
                [seed.Home, ..seed.AlsoLicensed],
                formats.Contains(SessionFormat.InPerson) ? [seed.Home] : [],
                formats, sessionTypes, ageGroups, specialties, modalities, seed.Languages, payers,
                selfPay, sliding, seed.Gender,
                LgbtqAffirming: random.Next(3) != 0,
                BipocAffirming: random.Next(2) == 0,
                OffersKetamineAssistedTherapy: seed.Ketamine,
                OfficeAddress: formats.Contains(SessionFormat.InPerson) ? Offices.GetValueOrDefault(seed.Home) : null,
                TelehealthLink: formats.Contains(SessionFormat.Telehealth) ? $"https://video.example.org/{first}-{last}" : null);

            var onboarded = new ClinicianOnboarded(
                profile,
                CaseloadLimit: 15 + 5 * random.Next(4),
                WeeklyNewClientLimit: 2 + random.Next(3),
                AcceptingNewClients: true,
                Availability: Availability(random));
            clinicians.Add(new DemoClinician(id, sub, onboarded, seed.Fate));
        }
        return clinicians;
    }

    private static IReadOnlyList<WeeklyWindow> Availability(Random random)
    {
        var days = Pick(random, [WeekDay.Monday, WeekDay.Tuesday, WeekDay.Wednesday, WeekDay.Thursday, WeekDay.Friday], 3 + random.Next(3))
            .OrderBy(d => d);
        var windows = days.Select(d => random.Next(4) == 0
            ? new WeeklyWindow(d, "12:00", "20:00")
            : new WeeklyWindow(d, "09:00", "17:00")).ToList();
        if (random.Next(5) == 0) windows.Add(new WeeklyWindow(WeekDay.Saturday, "09:00", "13:00"));
        return windows;
    }

    public static IEnumerable<T> Pick<T>(Random random, IReadOnlyList<T> from, int count) =>
        from.OrderBy(_ => random.Next()).Take(Math.Min(count, from.Count)).ToList();

    /// <summary>Version 4's layout, though drawn from the seeded generator: the same demo data every time.</summary>
    public static Guid NextGuid(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return Uuids.Stamped(bytes, version: 4);
    }
}
