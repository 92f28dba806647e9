using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Clinicians.Capacity;
using Matching.Service.Clinicians.Offboarding;
using Matching.Service.Clinicians.Pausing;
using Matching.Service.Clinicians.Workload;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Wolverine;

namespace Matching.Service.Web.Pages.Admin;

/// <summary>
/// The second step before a clinician's state changes (accepting new clients, pause, offboarding): what will follow,
/// with their current load, then one button that sends the command. Nothing changes on the first click.
/// </summary>
public sealed class ConfirmModel(IQuerySession session, IMessageBus bus, TimeProvider time) : AppPage
{
    /// <summary>The changes this page confirms, by the route's {change}.</summary>
    public enum Change { StopAccepting, StartAccepting, Pause, Resume, Offboard }

    public static string Slug(Change change) => change switch
    {
        Change.StopAccepting => "stop-accepting",
        Change.StartAccepting => "start-accepting",
        Change.Pause => "pause",
        Change.Resume => "resume",
        _ => "offboard"
    };

    public Change What { get; private set; }
    public Clinician Clinician { get; private set; } = null!;
    public ClinicianWorkload Workload { get; private set; } = null!;
    public string? Reason { get; private set; }

    public string Name => Clinician.Profile.Name;

    public string Title => What switch
    {
        Change.StopAccepting => $"Stop accepting new clients for {Name}?",
        Change.StartAccepting => $"Start accepting new clients for {Name}?",
        Change.Pause => $"Pause {Name}?",
        Change.Resume => $"Resume {Name}?",
        _ => $"Offboard {Name}?"
    };

    public string Button => What switch
    {
        Change.StopAccepting => "Stop accepting new clients",
        Change.StartAccepting => "Start accepting new clients",
        Change.Pause => "Pause",
        Change.Resume => "Resume",
        _ => "Offboard"
    };

    public async Task<IActionResult> OnGetAsync(Guid id, string change, CancellationToken cancellation) =>
        await LoadAsync(id, change, cancellation) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid id, string change, string? reason, int? expectedVersion, CancellationToken cancellation)
    {
        if (!await LoadAsync(id, change, cancellation)) return NotFound();
        ICommand<ClinicianCommandResult> command = What switch
        {
            // Acceptance alone changes: the limits go back as they are.
            Change.StopAccepting or Change.StartAccepting => new ChangeClinicianCapacity(
                Clinician.CaseloadLimit, Clinician.WeeklyNewClientLimit, What == Change.StartAccepting, expectedVersion) { ClinicianId = id },
            Change.Pause => new PauseClinician(reason, expectedVersion) { ClinicianId = id },
            Change.Resume => new ResumeClinician(reason, expectedVersion) { ClinicianId = id },
            _ => new OffboardClinician(reason, expectedVersion) { ClinicianId = id }
        };
        if (await SendAsync(bus, command, cancellation) is not { } problem)
        {
            Flash = What switch
            {
                Change.StopAccepting => $"{Name} no longer accepts new clients.",
                Change.StartAccepting => $"{Name} now accepts new clients.",
                Change.Pause => $"{Name} is paused.",
                Change.Resume => $"{Name} is active again.",
                _ => $"{Name} was offboarded."
            };
            return Redirect("/admin/clinicians");
        }
        Show(problem);
        Reason = reason;
        await LoadAsync(id, change, cancellation);
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id, string change, CancellationToken cancellation)
    {
        if (Enum.GetValues<Change>().Where(c => Slug(c) == change).Select(c => (Change?)c).FirstOrDefault() is not { } what) return false;
        if (await session.LoadAsync<Clinician>(id, cancellation) is not { } clinician) return false;
        What = what;
        Clinician = clinician;
        Workload = await ClinicianWorkloads.ForAsync(session, id, time.GetUtcNow(), cancellation);
        return true;
    }
}
