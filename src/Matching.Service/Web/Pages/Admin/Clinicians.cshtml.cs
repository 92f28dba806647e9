using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Clinicians.Capacity;
using Matching.Service.Clinicians.Directory;
using Matching.Service.Clinicians.Pausing;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Matching.Service.Web.Pages.Admin;

/// <summary>The clinician directory with its load, and the capacity toggles: accepting new clients, paused.</summary>
public sealed class CliniciansModel(IQuerySession session, PageCommands commands, TimeProvider time) : AppPage
{
    public ClinicianList Directory { get; private set; } = new([]);

    public async Task OnGetAsync(CancellationToken cancellation) =>
        Directory = await ClinicianDirectoryEndpoint.List(null, null, null, null, session, time, cancellation);

    public Task<IActionResult> OnPostAcceptingAsync(Guid clinicianId, bool accepting, int? expectedVersion, CancellationToken c) =>
        RunAsync(clinicianId, accepting ? "Now accepting new clients." : "No longer accepting new clients.", (clinician, _, effects) =>
        {
            var command = new ChangeClinicianCapacity(clinician.CaseloadLimit, clinician.WeeklyNewClientLimit, accepting, expectedVersion);
            var problem = ChangeClinicianCapacityEndpoint.Validate(command, clinician);
            if (ReferenceEquals(problem, Problems.NoProblems)) effects.Add(ChangeClinicianCapacityEndpoint.Put(command, clinician).Item2);
            return Task.FromResult(problem);
        }, c);

    public Task<IActionResult> OnPostPauseAsync(Guid clinicianId, bool pause, int? expectedVersion, CancellationToken c) =>
        RunAsync(clinicianId, pause ? "Paused." : "Resumed.", (clinician, _, effects) =>
        {
            if (pause)
            {
                var command = new PauseClinician(null, expectedVersion);
                var problem = PauseClinicianEndpoint.Validate(command, clinician);
                if (ReferenceEquals(problem, Problems.NoProblems)) effects.Add(PauseClinicianEndpoint.Post(command, clinician).Item2);
                return Task.FromResult(problem);
            }
            var resume = new ResumeClinician(null, expectedVersion);
            var refused = ResumeClinicianEndpoint.Validate(resume, clinician);
            if (ReferenceEquals(refused, Problems.NoProblems)) effects.Add(ResumeClinicianEndpoint.Post(resume, clinician).Item2);
            return Task.FromResult(refused);
        }, c);

    private async Task<IActionResult> RunAsync(Guid id, string done, PageCommands.Step<Clinician> step, CancellationToken cancellation)
    {
        var outcome = await commands.RunAsync(id, step, cancellation);
        if (outcome.Succeeded)
        {
            Flash = done;
            return RedirectToPage();
        }
        Show(outcome.Problem!);
        await OnGetAsync(cancellation);
        return Page();
    }
}
