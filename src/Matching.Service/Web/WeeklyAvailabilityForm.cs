using Matching.Service.Clinicians;
using Matching.Service.Clinicians.Availability;
using Matching.Service.Infrastructure;
using Matching.Service.Shared;

namespace Matching.Service.Web;

/// <summary>
/// The weekly availability editor as its form posts it: one row per window (day, from, to as HH:mm in the clinician's
/// time zone), blank rows ignored, so a clinician or an admin removes a window by clearing its row.
/// </summary>
public sealed class WeeklyAvailabilityForm
{
    /// <summary>Empty rows offered after the windows, for adding new ones without script.</summary>
    public const int BlankRows = 3;

    public List<WindowRow> Windows { get; set; } = [];
    public int? ExpectedVersion { get; set; }

    public sealed class WindowRow
    {
        public WeekDay? Day { get; set; }
        public string? From { get; set; }
        public string? To { get; set; }

        public bool Blank => Day is null && string.IsNullOrWhiteSpace(From) && string.IsNullOrWhiteSpace(To);
    }

    public static WeeklyAvailabilityForm Of(Clinician clinician) => new()
    {
        Windows = clinician.Availability.Select(w => new WindowRow { Day = w.Day, From = w.From, To = w.To }).ToList(),
        ExpectedVersion = (int)clinician.Version
    };

    /// <summary>The filled rows first, in the order posted, so the command's error for availability[i] belongs to row i.</summary>
    public IReadOnlyList<WindowRow> Rows
    {
        get
        {
            var filled = Windows.Where(w => !w.Blank).ToList();
            var blanks = Math.Clamp(InputLimits.AvailabilityWindows - filled.Count, 0, BlankRows);
            return [..filled, ..Enumerable.Range(0, blanks).Select(_ => new WindowRow())];
        }
    }

    public ChangeClinicianAvailability ToCommand(Guid clinicianId) =>
        new(Windows.Where(w => !w.Blank).Select(w => new AvailabilityWindow(w.Day, w.From?.Trim(), w.To?.Trim())).ToList(), ExpectedVersion)
        {
            ClinicianId = clinicianId
        };
}

/// <summary>What the shared editor partial renders: the form, the clinician's zone, and the page that shows its errors.</summary>
public sealed record WeeklyAvailabilityEditor(WeeklyAvailabilityForm Form, string TimeZone, AppPage Page);
