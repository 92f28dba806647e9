using System.Diagnostics;
using System.Security.Claims;
using Marten;
using Marten.Services;

namespace Matching.Service.Infrastructure;

/// <summary>Who did something: the signed-in user, the public, or the service's own timers.</summary>
public sealed record Actor(string Sub, string Name, string Role)
{
    public static readonly Actor Anonymous = new("anonymous", "anonymous", Roles.Public);
    public static readonly Actor System = new("system", "system", Roles.System);

    public const string SubHeader = "actor-sub";
    public const string NameHeader = "actor-name";
    public const string RoleHeader = "actor-role";

    public static Actor From(ClaimsPrincipal user)
    {
        var sub = user.FindFirst("sub")?.Value ?? user.Identity?.Name ?? "unknown";
        var roles = user.FindAll("role").Select(c => c.Value).ToArray();
        return new Actor(sub, user.FindFirst("name")?.Value ?? sub, roles.Length == 0 ? "none" : string.Join(',', roles));
    }

    public static Actor FromHeaders(IReadOnlyDictionary<string, object>? headers, string? userName)
    {
        string? Read(string key) => headers is not null && headers.TryGetValue(key, out var v) ? v?.ToString() : null;
        var sub = Read(SubHeader) ?? userName ?? "system";
        return new Actor(sub, Read(NameHeader) ?? sub, Read(RoleHeader) ?? (sub == "system" ? Roles.System : "unknown"));
    }
}

/// <summary>
/// Opens every Marten session already stamped with who is acting (event headers and Marten's
/// user name) and the request's trace as correlation id. Marten copies these onto each event
/// as it is appended, so they must be set when the session opens, not when it saves. Timers and
/// other background work have no HTTP context and are recorded as the system.
/// </summary>
public sealed class ActorStampingSessionFactory(IDocumentStore store, IHttpContextAccessor accessor) : ISessionFactory
{
    public IQuerySession QuerySession() => store.QuerySession();

    public IDocumentSession OpenSession()
    {
        var session = store.LightweightSession();
        Stamp(session, accessor.HttpContext);
        return session;
    }

    /// <summary>The request's signed-in user, the public for a request without one, the system outside any request.</summary>
    public static Actor ActorOf(HttpContext? context) => context switch
    {
        { User.Identity.IsAuthenticated: true } => Actor.From(context.User),
        not null => Actor.Anonymous,
        null => Actor.System
    };

    public static void Stamp(IDocumentSession session, HttpContext? context)
    {
        var actor = ActorOf(context);

        session.SetHeader(Actor.SubHeader, actor.Sub);
        session.SetHeader(Actor.NameHeader, actor.Name);
        session.SetHeader(Actor.RoleHeader, actor.Role);
        session.LastModifiedBy = actor.Sub;

        if (context is not null)
        {
            session.CorrelationId = Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
            // The request itself caused these events.
            session.CausationId = context.TraceIdentifier;
        }
    }
}

/// <summary>
/// Sessions Wolverine opens itself (a command handler's, a timer's) don't pass through the factory above: stamp their
/// events before they are written with whoever is acting in the request that runs them (a page or a route invoking a
/// command handler), else as the system, so every event names its actor.
/// </summary>
public sealed class ActorListener(IHttpContextAccessor? accessor) : DocumentSessionListenerBase
{
    public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        Actor? actor = null;
        var request = accessor?.HttpContext;
        foreach (var stream in session.PendingChanges.Streams())
        {
            foreach (var e in stream.Events)
            {
                if (e.Headers is not null && e.Headers.ContainsKey(Actor.SubHeader)) continue;
                actor ??= ActorStampingSessionFactory.ActorOf(request);
                e.SetHeader(Actor.SubHeader, actor.Sub);
                e.SetHeader(Actor.NameHeader, actor.Name);
                e.SetHeader(Actor.RoleHeader, actor.Role);
                e.UserName ??= actor.Sub;
                // The request caused these events, as for a session our factory opens (Wolverine's own is its message's id).
                if (request is not null) e.CausationId = request.TraceIdentifier;
            }
        }
        return Task.CompletedTask;
    }
}
