using Marten;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten.Publishing;
using Wolverine.Runtime;

namespace Matching.Service.Web;

/// <summary>What a command decided: the events to append and the messages to send once they commit.</summary>
public sealed class CommandEffects
{
    public List<object> Events { get; } = [];
    public List<object> Messages { get; } = [];

    public void Add(IEnumerable<object> events, IEnumerable<object>? messages = null)
    {
        Events.AddRange(events);
        if (messages is not null) Messages.AddRange(messages);
    }
}

/// <summary>The answer a page shows: success, or the problem the API would have answered.</summary>
public sealed record CommandOutcome(ProblemDetails? Problem)
{
    public static readonly CommandOutcome Done = new((ProblemDetails?)null);
    public bool Succeeded => Problem is null;
}

/// <summary>
/// Runs a command for a page exactly as its Wolverine endpoint does: the stream loaded for writing,
/// the endpoint's own Validate and Post (so the same rules, decisions and side effects), the events
/// appended and the outgoing messages stored through the outbox in one transaction. Runs inside the
/// page's request, so the actor stamped on the events is the signed-in user.
/// </summary>
public sealed class PageCommands(OutboxedSessionFactory sessions, IWolverineRuntime runtime)
{
    public delegate Task<ProblemDetails> Step<in T>(T aggregate, IDocumentSession session, CommandEffects effects);

    public async Task<CommandOutcome> RunAsync<T>(Guid streamId, Step<T> step, CancellationToken cancellation) where T : class
    {
        var context = new MessageContext(runtime);
        await using var session = sessions.OpenSession(context);
        try
        {
            var stream = await session.Events.FetchForWriting<T>(streamId, cancellation);
            if (stream.Aggregate is null) return new CommandOutcome(Problems.NotFound(typeof(T).Name.ToLowerInvariant()));

            var effects = new CommandEffects();
            var problem = await step(stream.Aggregate, session, effects);
            if (!ReferenceEquals(problem, WolverineContinue.NoProblems)) return new CommandOutcome(problem);

            stream.AppendMany(effects.Events);
            foreach (var message in effects.Messages) await context.EnqueueCascadingAsync(message);
            await session.SaveChangesAsync(cancellation);
            await context.FlushOutgoingMessagesAsync();
            return CommandOutcome.Done;
        }
        catch (Exception e) when (DatabaseFailures.Classify(e).IsConcurrent())
        {
            return new CommandOutcome(Problems.Conflict("Someone else changed this first.", "staleVersion"));
        }
        catch (Exception e) when (DatabaseFailures.Classify(e) == DatabaseFailure.Overlap)
        {
            return new CommandOutcome(Problems.Conflict("That time overlaps another first session of this clinician.", "sessionOverlap"));
        }
    }

    /// <summary>Work that is not on one aggregate's stream (intake, onboarding): an outboxed session and bus.</summary>
    public async Task<TResult> RunAsync<TResult>(Func<IDocumentSession, MessageContext, Task<TResult>> work)
    {
        var context = new MessageContext(runtime);
        await using var session = sessions.OpenSession(context);
        var result = await work(session, context);
        await context.FlushOutgoingMessagesAsync();
        return result;
    }
}
