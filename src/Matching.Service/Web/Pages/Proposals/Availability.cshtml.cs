using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Clinicians.Capacity;
using Matching.Service.Clinicians.Pausing;
using Matching.Service.Clinicians.Workload;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Wolverine;

namespace Matching.Service.Web.Pages.Proposals;

/// <summary>
/// A clinician's own weekly availability, capacity and pause, through the same commands as the API. Which clinician
/// comes from the signed-in user's claim, never from the form, so nobody changes another's record from here.
/// </summary>
public sealed class AvailabilityModel(IQuerySession session, IMessageBus bus, TimeProvider time) : AppPage
{
    public Clinician? Clinician { get; private set; }
    public ClinicianWorkload? Workload { get; private set; }
    public WeeklyAvailabilityForm Availability { get; private set; } = new();

    /// <summary>The capacity form as posted, so a refused one shows what was typed.</summary>
    public (int? CaseloadLimit, int? WeeklyNewClientLimit, bool? Accepting)? Capacity { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellation) =>
        await LoadAsync(cancellation) ? Page() : NotFound();

    public Task<IActionResult> OnPostAvailabilityAsync(WeeklyAvailabilityForm availability, CancellationToken c) =>
        RunAsync("Availability saved.", own => availability.ToCommand(own), c, () => Availability = availability);

    public Task<IActionResult> OnPostCapacityAsync(int? caseloadLimit, int? weeklyNewClientLimit, bool? acceptingNewClients, int? expectedVersion,
        CancellationToken c) =>
        RunAsync("Capacity saved.", own => new ChangeClinicianCapacity(caseloadLimit, weeklyNewClientLimit, acceptingNewClients, expectedVersion)
        {
            ClinicianId = own
        }, c, () => Capacity = (caseloadLimit, weeklyNewClientLimit, acceptingNewClients));

    public Task<IActionResult> OnPostPauseAsync(string? reason, int? expectedVersion, CancellationToken c) =>
        RunAsync("Paused: coordinators won't propose new clients to you until you resume.",
            own => new PauseClinician(reason, expectedVersion) { ClinicianId = own }, c);

    public Task<IActionResult> OnPostResumeAsync(int? expectedVersion, CancellationToken c) =>
        RunAsync("Resumed: coordinators can propose new clients to you again.",
            own => new ResumeClinician(null, expectedVersion) { ClinicianId = own }, c);

    private async Task<IActionResult> RunAsync(string done, Func<Guid, ICommand<ClinicianCommandResult>> command, CancellationToken cancellation,
        Action? keepPosted = null)
    {
        if (User.ClinicianId() is not { } own) return NotFound();
        if (await SendAsync(bus, command(own), cancellation) is not { } problem)
        {
            Flash = done;
            return RedirectToPage();
        }
        Show(problem);
        if (!await LoadAsync(cancellation)) return NotFound();
        // A stale form shows the latest state; any other refusal keeps what was typed next to its messages.
        if (Problem != StaleMessage) keepPosted?.Invoke();
        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken cancellation)
    {
        if (User.ClinicianId() is not { } own || await session.LoadAsync<Clinician>(own, cancellation) is not { } clinician) return false;
        Clinician = clinician;
        Workload = await ClinicianWorkloads.ForAsync(session, own, time.GetUtcNow(), cancellation);
        Availability = WeeklyAvailabilityForm.Of(clinician);
        return true;
    }
}
