using Wolverine;
using Wolverine.Runtime;

namespace Matching.Service.Infrastructure;

/// <summary>What a node of the service does (`Matching:NodeRole`); every node shares one PostgreSQL.</summary>
public enum NodeRole
{
    /// <summary>Everything: HTTP, pages, async projections, timers, notifications. One process does it all.</summary>
    All,
    /// <summary>HTTP and pages only: writes events and hands timers and notifications to the workers through the outbox.</summary>
    Api,
    /// <summary>Async projections, timers and notifications; over HTTP only `/health/*`.</summary>
    Worker
}

public static class NodeRoles
{
    public const string Setting = "Matching:NodeRole";

    /// <summary>The role a value names (any case); null when it names none.</summary>
    public static NodeRole? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "all" => NodeRole.All,
        "api" => NodeRole.Api,
        "worker" => NodeRole.Worker,
        _ => null
    };

    public static NodeRole Of(IConfiguration configuration) => Parse(configuration[Setting]) ?? NodeRole.All;

    public static bool ServesRequests(this NodeRole role) => role != NodeRole.Worker;

    /// <summary>Takes part in the cluster's work: projections, timers, notifications, audit checkpoints.</summary>
    public static bool RunsBackgroundWork(this NodeRole role) => role != NodeRole.Api;

    /// <summary>
    /// Wolverine's durability per role (docs/adr/0022-node-roles.md). An api node runs no agents and no listeners: the
    /// messages its commands cascade or schedule are written to the inbox table in the command's own transaction, owned
    /// by no node, and a worker's durability agent or scheduled-message poller runs them. Worker and all nodes share
    /// out the agents (each async projection on one node at a time) and notice a dead peer within seconds.
    /// </summary>
    public static void ConfigureDurability(DurabilitySettings durability, NodeRole role)
    {
        // The same on every role: these settings shape the envelope tables, which all nodes share.
        durability.InboxStaleTime = TimeSpan.FromMinutes(5);
        durability.OutboxStaleTime = TimeSpan.FromMinutes(1);

        if (role == NodeRole.Api)
        {
            durability.Mode = DurabilityMode.ServerlessWithOutbox;
            return;
        }

        durability.Mode = DurabilityMode.Balanced;
        // A node killed without a goodbye keeps its agents until its peers call it stale: seconds, not the default
        // minute. Every balanced node must use the same values: each judges the others by its own.
        durability.HealthCheckPollingTime = TimeSpan.FromSeconds(1);
        durability.FirstHealthCheckExecution = TimeSpan.FromSeconds(1);
        durability.StaleNodeTimeout = TimeSpan.FromSeconds(5);
        durability.CheckAssignmentPeriod = TimeSpan.FromSeconds(2);
        // A projection paused by a database outage restarts within seconds of the database's return.
        durability.TransientFailureRestartMaxBackoff = TimeSpan.FromSeconds(2);
        durability.ScheduledJobPollingTime = TimeSpan.FromSeconds(1);
    }

    /// <summary>`/health/agents`: the role and the agents this node runs now (projections, durability), for operators.</summary>
    public static object Describe(NodeRole role, IWolverineRuntime runtime) => new
    {
        Role = role.ToString().ToLowerInvariant(),
        Agents = role.RunsBackgroundWork() ? runtime.Agents.AllRunningAgentUris().Select(u => u.ToString()).Order().ToArray() : []
    };
}
