using System.Text;
using System.Text.Json;
using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Referrals;

namespace Matching.Service.Infrastructure;

/// <summary>
/// Event shapes stored before today's, each by the alias its rows carry, with the upcast that reads it as today's type
/// (docs/adr/0026-event-versions.md). Marten reads an older row through its upcast, so decisions and projections see today's
/// types only; the audit trail and erasure read a row's JSON as the shape it was stored in, which never changes.
/// </summary>
public static class EventVersions
{
    private static readonly IReadOnlyList<Superseded> All =
    [
        Superseded.By<IntakeSubmittedV1, IntakeSubmitted>("intake_submitted", "intake_submitted_v2", v1 => v1.Upcast()),
        Superseded.By<ClinicianOnboardedV1, ClinicianOnboarded>("clinician_onboarded", "clinician_onboarded_v2", v1 => v1.Upcast()),
        Superseded.By<ClinicianAvailabilityChangedV1, ClinicianAvailabilityChanged>(
            "clinician_availability_changed", "clinician_availability_changed_v2", v1 => v1.Upcast())
    ];

    private static readonly Dictionary<string, Superseded> ByAlias = All.ToDictionary(s => s.Alias, StringComparer.Ordinal);

    /// <summary>Today's type of every event stored under another alias than Marten's default for its name.</summary>
    public static void Configure(StoreOptions opts)
    {
        foreach (var superseded in All) superseded.Register(opts);
    }

    /// <summary>
    /// The type whose JSON a stored row holds: an older shape for an alias its event moved on from, else the service's type of
    /// that CLR name (the name Marten stores with the row); null when none is known.
    /// </summary>
    public static Type? StoredShape(string type, string alias) =>
        ByAlias.TryGetValue(alias, out var superseded) ? superseded.Shape : TypesByName.GetValueOrDefault(type);

    /// <summary>The event a stored row holds, as today's type, read with the store's serializer; null when no type reads it.</summary>
    public static object? Read(string type, string alias, string json, ISerializer serializer)
    {
        if (StoredShape(type, alias) is not { } shape) return null;
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        var data = serializer.FromJson(shape, stream);
        return data is not null && ByAlias.TryGetValue(alias, out var superseded) ? superseded.Upcast(data) : data;
    }

    /// <summary>"Matching.Service.Referrals.ProposalDeclined, Matching.Service" → "ProposalDeclined".</summary>
    public static string ClrName(string? dotnetType)
    {
        if (dotnetType is null) return "";
        var full = dotnetType.Split(',')[0].Trim();
        return full[(full.LastIndexOfAny(['.', '+']) + 1)..];
    }

    /// <summary>Events are named by their CLR name; names the service uses for two types are left out.</summary>
    private static readonly Dictionary<string, Type> TypesByName = typeof(EventVersions).Assembly.GetTypes()
        .Where(t => t is { IsAbstract: false, IsGenericTypeDefinition: false } && (t.IsPublic || t.IsNestedPublic))
        .GroupBy(t => t.Name, StringComparer.Ordinal)
        .Where(g => g.Count() == 1)
        .ToDictionary(g => g.Key, g => g.Single(), StringComparer.Ordinal);

    /// <summary>An older shape of an event: the alias its rows carry, and the alias today's type is stored under instead.</summary>
    private sealed record Superseded(string Alias, Type Shape, Action<StoreOptions> Register, Func<object, object> Upcast)
    {
        public static Superseded By<TOld, TNew>(string alias, string currentAlias, Func<TOld, TNew> upcast)
            where TOld : class where TNew : class =>
            new(alias, typeof(TOld),
                opts =>
                {
                    opts.Events.MapEventType<TNew>(currentAlias);
                    opts.Events.Upcast(alias, upcast);
                },
                old => upcast((TOld)old));
    }
}
