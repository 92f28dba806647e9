using Marten;
using Matching.Service.Clinicians.Workload;
using Matching.Service.Infrastructure;
using Matching.Service.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Matching.Service.Clinicians.Directory;

/// <summary>A clinician as coordinators and admins see them: profile, settings, status and current load.</summary>
public sealed record ClinicianView(
    Guid ClinicianId,
    string Name,
    string? Credentials,
    string Email,
    string TimeZone,
    IReadOnlyList<string> LicensedStates,
    IReadOnlyList<string> OfficeStates,
    IReadOnlyList<SessionFormat> Formats,
    IReadOnlyList<SessionType> SessionTypes,
    IReadOnlyList<AgeGroup> AgeGroups,
    IReadOnlyList<Concern> Specialties,
    IReadOnlyList<Modality> Modalities,
    IReadOnlyList<string> Languages,
    IReadOnlyList<string> Payers,
    decimal? SelfPayRate,
    decimal? SlidingScaleMin,
    Gender? Gender,
    bool LgbtqAffirming,
    bool BipocAffirming,
    bool OffersKetamineAssistedTherapy,
    int CaseloadLimit,
    int WeeklyNewClientLimit,
    bool AcceptingNewClients,
    IReadOnlyList<AvailabilityWindow> Availability,
    bool Paused,
    bool Offboarded,
    bool OpenToNewClients,
    int ActiveClients,
    int OpenProposals,
    int RemainingCapacity,
    int NewClientsLast7Days,
    long Version,
    string? OfficeAddress = null,
    string? TelehealthLink = null)
{
    public static ClinicianView From(Clinician c, ClinicianWorkload? workload)
    {
        var load = workload ?? ClinicianWorkload.None(c.Id);
        var p = c.Profile;
        return new ClinicianView(
            c.Id, p.Name, p.Credentials, p.Email, p.TimeZone, p.LicensedStates, p.OfficeStates, p.Formats,
            p.SessionTypes, p.AgeGroups, p.Specialties, p.Modalities, p.Languages, p.Payers, p.SelfPayRate,
            p.SlidingScaleMin, p.Gender, p.LgbtqAffirming, p.BipocAffirming, p.OffersKetamineAssistedTherapy,
            c.CaseloadLimit, c.WeeklyNewClientLimit, c.AcceptingNewClients, c.Availability, c.Paused, c.Offboarded,
            c.OpenToNewClients, load.ActiveClients, load.OpenProposals, load.RemainingCapacity(c.CaseloadLimit),
            load.NewClientsLast7Days, c.Version, p.OfficeAddress, p.TelehealthLink);
    }
}

public sealed record ClinicianList(IReadOnlyList<ClinicianView> Items);

public static class ClinicianDirectoryEndpoint
{
    /// <summary>400 for a filter value outside the vocabulary, rather than an empty list that hides the typo.</summary>
    public static ProblemDetails Validate(string? specialty, string? state, string? accepting, string? includeOffboarded) => Problems.FirstOf(
        () => specialty is not null && ParseSpecialty(specialty) is null
            ? Problems.Invalid("specialty", "Give a specialty from the vocabulary, such as trauma.")
            : Problems.NoProblems,
        () => state is not null && !UsStates.IsValid(state)
            ? Problems.Invalid("state", "Give a US state as its two-letter code, such as CO.")
            : Problems.NoProblems,
        () => accepting is not null && !bool.TryParse(accepting, out _)
            ? Problems.Invalid("accepting", "Give true or false.")
            : Problems.NoProblems,
        () => includeOffboarded is not null && !bool.TryParse(includeOffboarded, out _)
            ? Problems.Invalid("includeOffboarded", "Give true or false.")
            : Problems.NoProblems);

    [WolverineGet("/api/clinicians"), Authorize(Policy = Policies.DirectoryRead)]
    public static async Task<ClinicianList> List(
        string? specialty, string? state, string? accepting, string? includeOffboarded,
        IQuerySession session, TimeProvider time, CancellationToken cancellation)
    {
        // Flags arrive as text so that a value other than true/false is a 400, not a silently dropped filter.
        var query = session.Query<Clinician>().AsQueryable();
        if (Flag(includeOffboarded) != true) query = query.Where(c => !c.Offboarded);
        if (state is not null) query = query.Where(c => c.Profile.LicensedStates.Contains(state));
        if (ParseSpecialty(specialty) is { } concern) query = query.Where(c => c.Profile.Specialties.Contains(concern));
        query = Flag(accepting) switch
        {
            true => query.Where(c => c.AcceptingNewClients && !c.Paused && !c.Offboarded),
            false => query.Where(c => !c.AcceptingNewClients || c.Paused || c.Offboarded),
            null => query
        };

        var clinicians = await query.OrderBy(c => c.Profile.Name).ThenBy(c => c.Id).ToListAsync(cancellation);
        var workloads = await ClinicianWorkloads.ForAsync(session, clinicians.Select(c => c.Id).ToList(), time.GetUtcNow(), cancellation);
        return new ClinicianList(clinicians
            .Select(c => ClinicianView.From(c, workloads.GetValueOrDefault(c.Id)))
            .ToList());
    }

    private static bool? Flag(string? value) => bool.TryParse(value, out var flag) ? flag : null;

    internal static Concern? ParseSpecialty(string? value) =>
        value is null ? null : Enum.GetValues<Concern>().Select(c => (Concern?)c).FirstOrDefault(c => Words.Wire(c!.Value) == value);
}

public static class ClinicianDetailsEndpoint
{
    [WolverineGet("/api/clinicians/{clinicianId}"), Authorize(Policy = Policies.DirectoryRead)]
    [ProducesResponseType<ClinicianView>(200), ProducesResponseType<ProblemDetails>(404)]
    public static async Task<IResult> Get(Guid clinicianId, IQuerySession session, TimeProvider time, CancellationToken cancellation)
    {
        var clinician = await session.LoadAsync<Clinician>(clinicianId, cancellation);
        if (clinician is null) return Results.Problem(Problems.NotFound("clinician"));
        var workload = await ClinicianWorkloads.ForAsync(session, clinicianId, time.GetUtcNow(), cancellation);
        return Results.Ok(ClinicianView.From(clinician, workload));
    }
}
