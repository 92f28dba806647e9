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

    /// <summary>The clinician being edited (null when onboarding), for the availability editor and the state links.</summary>
    public Clinicians.Clinician? Existing { get; private set; }

    public WeeklyAvailabilityForm Availability { get; private set; } = new();

    public async Task<IActionResult> OnGetAsync(Guid? id, CancellationToken cancellation)
    {
        Id = id;
        if (id is null) return Page();
        if (await session.LoadAsync<Clinicians.Clinician>(id.Value, cancellation) is not { } clinician) return NotFound();
        Form = ClinicianForm.From(clinician);
        ExpectedVersion = (int)clinician.Version;
        Existing = clinician;
        Availability = WeeklyAvailabilityForm.Of(clinician);
        return Page();
    }

    public async Task<IActionResult> OnPostAvailabilityAsync(Guid id, WeeklyAvailabilityForm availability, CancellationToken cancellation)
    {
        if (await SendAsync(bus, availability.ToCommand(id), cancellation) is not { } problem)
        {
            Flash = "Availability saved.";
            return Redirect($"/admin/clinicians/{id}");
        }
        Show(problem);
        var page = await OnGetAsync(id, cancellation);
        // A stale form shows the latest windows; any other refusal keeps what was typed next to its messages.
        if (Problem != StaleMessage) Availability = availability;
        return page;
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
            // The profile keeps what was typed; the state links and the availability editor show the stored clinician.
            Existing = id is null ? null : await session.LoadAsync<Clinicians.Clinician>(id.Value, cancellation);
            if (Existing is not null) Availability = WeeklyAvailabilityForm.Of(Existing);
            return Page();
        }
        Flash = id is null ? $"{Form.Name} was onboarded." : "Profile saved.";
        return Redirect("/admin/clinicians");
    }
}
