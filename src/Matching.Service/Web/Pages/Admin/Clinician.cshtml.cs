using Marten;
using Matching.Service.Clinicians.Onboarding;
using Matching.Service.Clinicians.Profile;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Wolverine;

namespace Matching.Service.Web.Pages.Admin;

/// <summary>Onboarding (no id) and profile editing (with an id), through the same command handlers as the API.</summary>
public sealed class ClinicianModel(IQuerySession session, IMessageBus bus) : AppPage
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
        var problem = id is null
            ? await SendAsync(bus, Form.ToOnboarding(), cancellation)
            : await SendAsync(bus, Form.ToUpdate(ExpectedVersion) with { ClinicianId = id.Value }, cancellation);
        if (problem is not null)
        {
            Show(problem);
            return Page();
        }
        Flash = id is null ? $"{Form.Name} was onboarded." : "Profile saved.";
        return Redirect("/admin/clinicians");
    }
}
