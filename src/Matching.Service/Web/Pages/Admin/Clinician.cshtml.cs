using Marten;
using Matching.Service.Clinicians.Onboarding;
using Matching.Service.Clinicians.Profile;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Marten;

namespace Matching.Service.Web.Pages.Admin;

/// <summary>Onboarding (no id) and profile editing (with an id), through the endpoints' own validation and decisions.</summary>
public sealed class ClinicianModel(IQuerySession session, PageCommands commands) : AppPage
{
    [BindProperty] public ClinicianForm Form { get; set; } = new();
    [BindProperty] public int? ExpectedVersion { get; set; }
    public Guid? Id { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid? id, CancellationToken cancellation)
    {
        Id = id;
        if (id is null) return Page();
        if (await session.LoadAsync<Clinicians.Clinician>(id.Value, cancellation) is not { } clinician) return NotFound();
        Form = ClinicianForm.From(clinician);
        ExpectedVersion = (int)clinician.Version;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid? id, CancellationToken cancellation)
    {
        Id = id;
        if (id is null)
        {
            var command = Form.ToOnboarding();
            var problem = OnboardClinicianEndpoint.Validate(command);
            if (!ReferenceEquals(problem, Problems.NoProblems))
            {
                Show(problem);
                return Page();
            }
            var (result, _) = OnboardClinicianEndpoint.Post(command);
            await commands.RunAsync(async (s, _) =>
            {
                s.Events.StartStream<Clinicians.Clinician>(result.ClinicianId, OnboardClinicianEndpoint.Decide(command));
                await s.SaveChangesAsync(cancellation);
                return result;
            });
            Flash = $"{command.Name} was onboarded.";
            return Redirect("/admin/clinicians");
        }

        var update = Form.ToUpdate(ExpectedVersion);
        var outcome = await commands.RunAsync<Clinicians.Clinician>(id.Value, (clinician, _, effects) =>
        {
            var problem = UpdateClinicianProfileEndpoint.Validate(update, clinician);
            if (ReferenceEquals(problem, Problems.NoProblems)) effects.Add(UpdateClinicianProfileEndpoint.Put(update, clinician).Item2);
            return Task.FromResult(problem);
        }, cancellation);
        if (outcome.Succeeded)
        {
            Flash = "Profile saved.";
            return Redirect("/admin/clinicians");
        }
        Show(outcome.Problem!);
        return Page();
    }
}
