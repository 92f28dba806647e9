using Marten;
using Matching.Service.Clinicians.Directory;
using Microsoft.AspNetCore.Mvc;

namespace Matching.Service.Web.Pages.Admin;

/// <summary>The clinician directory with its load; each state change (accepting, pause) goes through a confirmation page.</summary>
public sealed class CliniciansModel(IQuerySession session, TimeProvider time) : AppPage
{
    public ClinicianList Directory { get; private set; } = new([]);

    public async Task OnGetAsync(CancellationToken cancellation) =>
        Directory = await ClinicianDirectoryEndpoint.List(null, null, null, null, session, time, cancellation);
}
