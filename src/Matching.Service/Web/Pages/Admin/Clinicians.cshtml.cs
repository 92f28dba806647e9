using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Clinicians.Capacity;
using Matching.Service.Clinicians.Directory;
using Matching.Service.Clinicians.Pausing;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Wolverine;

namespace Matching.Service.Web.Pages.Admin;

/// <summary>The clinician directory with its load, and the capacity toggles: accepting new clients, paused.</summary>
public sealed class CliniciansModel(IQuerySession session, IMessageBus bus, TimeProvider time) : AppPage
{
    public ClinicianList Directory { get; private set; } = new([]);

    public async Task OnGetAsync(CancellationToken cancellation) =>
        Directory = await ClinicianDirectoryEndpoint.List(null, null, null, null, session, time, cancellation);

    public async Task<IActionResult> OnPostAcceptingAsync(Guid clinicianId, bool accepting, int? expectedVersion, CancellationToken c)
    {
        // The toggle changes acceptance only: the limits go back as they are.
        if (await session.LoadAsync<Clinician>(clinicianId, c) is not { } clinician) return NotFound();
        return await RunAsync(accepting ? "Now accepting new clients." : "No longer accepting new clients.",
            new ChangeClinicianCapacity(clinician.CaseloadLimit, clinician.WeeklyNewClientLimit, accepting, expectedVersion) { ClinicianId = clinicianId },
            c);
    }

    public Task<IActionResult> OnPostPauseAsync(Guid clinicianId, bool pause, int? expectedVersion, CancellationToken c) => pause
        ? RunAsync("Paused.", new PauseClinician(null, expectedVersion) { ClinicianId = clinicianId }, c)
        : RunAsync("Resumed.", new ResumeClinician(null, expectedVersion) { ClinicianId = clinicianId }, c);

    private async Task<IActionResult> RunAsync(string done, ICommand<ClinicianCommandResult> command, CancellationToken cancellation)
    {
        if (await SendAsync(bus, command, cancellation) is not { } problem)
        {
            Flash = done;
            return RedirectToPage();
        }
        Show(problem);
        await OnGetAsync(cancellation);
        return Page();
    }
}
