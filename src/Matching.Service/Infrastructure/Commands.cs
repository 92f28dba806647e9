using System.Reflection;
using System.Text.Json.Serialization.Metadata;
using FluentValidation;
using JasperFx.CodeGeneration;
using JasperFx.CodeGeneration.Frames;
using JasperFx.CodeGeneration.Model;
using JasperFx.Core.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Configuration;
using Wolverine.Http;
using Wolverine.Middleware;
using Wolverine.Runtime;
using Wolverine.Runtime.Handlers;

namespace Matching.Service.Infrastructure;

/// <summary>What a command handler answers whoever sent it: its result, or a <see cref="Refused"/>.</summary>
public interface IAnswer;

/// <summary>A command whose handler answers <typeparamref name="TResult"/> when it is carried out.</summary>
public interface ICommand<TResult> where TResult : IAnswer;

/// <summary>The command was refused (400, 404, 409): the problem as the API states it, and nothing appended.</summary>
public sealed record Refused(ProblemDetails Problem) : IAnswer;

/// <summary>The answer as a caller reads it: the result, or the problem that refused the command.</summary>
public readonly record struct Answer<TResult>(TResult? Result, ProblemDetails? Problem) where TResult : class
{
    public bool Succeeded => Problem is null;
}

/// <summary>
/// Filled by the service from the route or the signed-in user (the stream a command acts on, who answers a
/// proposal), never read from a request body: the API's JSON contract leaves such members out.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class NotFromBodyAttribute : Attribute;

/// <summary>
/// The one way into a command, for every sender: an HTTP route, a page, and later a client link or a FHIR adapter all
/// invoke the command's Wolverine handler, which loads the stream, runs the checks, decides, appends and sends
/// through the outbox in one transaction.
/// </summary>
public static class CommandBus
{
    public static async Task<Answer<TResult>> AskAsync<TResult>(this IMessageBus bus, ICommand<TResult> command, CancellationToken cancellation)
        where TResult : class, IAnswer =>
        await bus.InvokeAsync<IAnswer>(command, cancellation) switch
        {
            TResult result => new Answer<TResult>(result, null),
            Refused refused => new Answer<TResult>(null, refused.Problem),
            var other => throw new InvalidOperationException(
                $"{command.GetType().Name} answered {other?.GetType().Name ?? "nothing"}, not {typeof(TResult).Name}.")
        };

    /// <summary>The answer as HTTP: 200 with the result (201 and Location for an <see cref="ICreatedResult"/>), or the problem.</summary>
    public static async Task<HttpAnswer<TResult>> AnswerHttpAsync<TResult>(this IMessageBus bus, ICommand<TResult> command, CancellationToken cancellation)
        where TResult : class, IAnswer =>
        new(await bus.AskAsync(command, cancellation));
}

/// <summary>
/// A command's answer written as HTTP. The endpoint's signature names the result type, and the API document reads the
/// success answer from it (200, or 201 for what a command creates), so no attribute restates it.
/// </summary>
public sealed class HttpAnswer<TResult>(Answer<TResult> answer) : IResult, IEndpointMetadataProvider where TResult : class, IAnswer
{
    private static readonly bool Creates = typeof(ICreatedResult).IsAssignableFrom(typeof(TResult));

    public Answer<TResult> Answer { get; } = answer;

    public Task ExecuteAsync(HttpContext context) => (Answer switch
    {
        { Problem: { } problem } => Results.Problem(problem),
        { Result: ICreatedResult created } => Results.Created(created.Location, Answer.Result),
        _ => Results.Ok(Answer.Result)
    }).ExecuteAsync(context);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(Creates ? StatusCodes.Status201Created : StatusCodes.Status200OK,
            typeof(TResult), ["application/json"]));
}

/// <summary>A result that names something the command created: answered 201 with its Location.</summary>
public interface ICreatedResult
{
    string Location { get; }
}

/// <summary>
/// A command handler's <c>Validate</c> returns a <see cref="ProblemDetails"/> (<see cref="WolverineContinue.NoProblems"/> to go
/// on). Wolverine's own policy for message handlers only logs a problem and stops; this one answers it to the sender as
/// <see cref="Refused"/>, before anything is decided or appended. HTTP endpoints keep Wolverine's policy.
/// </summary>
public sealed class AnswerRefusals : IContinuationStrategy
{
    public static void Register(GenerationRules rules)
    {
        rules.AddContinuationStrategy<AnswerRefusals>();
        var strategies = rules.ContinuationStrategies();
        var mine = strategies.OfType<AnswerRefusals>().Single();
        // Ahead of Wolverine.Http's, which would otherwise claim every ProblemDetails.
        strategies.Remove(mine);
        strategies.Insert(0, mine);
    }

    public bool TryFindContinuationHandler(IChain chain, MethodCall call, out Frame? frame)
    {
        frame = null;
        if (chain is not HandlerChain) return false;
        var details = call.Creates.FirstOrDefault(x => x.VariableType == typeof(ProblemDetails) && !x.Properties.ContainsKey("checked"));
        if (details is null) return false;
        details.Properties["checked"] = true;
        frame = new AnswerRefusalFrame(details);
        return true;
    }

    /// <summary>Called by the generated handler: the refusal becomes the answer <c>InvokeAsync</c> returns.</summary>
    public static Task AnswerAsync(MessageContext context, ProblemDetails problem) => context.EnqueueCascadingAsync(new Refused(problem));

    private sealed class AnswerRefusalFrame : AsyncFrame
    {
        private readonly Variable _details;
        private Variable? _context;

        public AnswerRefusalFrame(Variable details)
        {
            _details = details;
            uses.Add(details);
        }

        public override IEnumerable<Variable> FindVariables(IMethodVariables chain)
        {
            _context = chain.FindVariable(typeof(MessageContext));
            yield return _context;
        }

        public override void GenerateCode(GeneratedMethod method, ISourceWriter writer)
        {
            writer.WriteComment("A refusal is the answer: nothing is decided, appended or sent");
            writer.Write($"BLOCK:if (!ReferenceEquals({_details.Usage}, {typeof(WolverineContinue).FullNameInCode()}.{nameof(WolverineContinue.NoProblems)}))");
            writer.Write($"await {typeof(AnswerRefusals).FullNameInCode()}.{nameof(AnswerAsync)}({_context!.Usage}, {_details.Usage}).ConfigureAwait(false);");
            writer.Write("return;");
            writer.FinishBlock();
            writer.BlankLine();
            Next?.GenerateCode(method, writer);
        }
    }
}

public static class CommandSetup
{
    /// <summary>
    /// Every validator of the service, once, from the container: a handler's Validate takes its command's
    /// <see cref="IValidator{T}"/>, and validators that compare with the clock take <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddValidators(this IServiceCollection services)
    {
        foreach (var type in ValidatorTypes())
        {
            var validated = type.FindInterfaceThatCloses(typeof(IValidator<>))!;
            services.AddSingleton(validated, type);
            services.AddSingleton(sp => (IValidator)sp.GetRequiredService(validated));
        }
        return services;
    }

    public static IEnumerable<Type> ValidatorTypes() => typeof(CommandSetup).Assembly.GetTypes()
        .Where(t => t is { IsAbstract: false, IsGenericTypeDefinition: false, IsPublic: true } && t.CanBeCastTo<IValidator>());

    /// <summary>Every command of the service: the message types whose handlers the routes and pages invoke.</summary>
    public static IEnumerable<Type> CommandTypes() => typeof(CommandSetup).Assembly.GetTypes()
        .Where(t => t is { IsAbstract: false, IsInterface: false } && t.Closes(typeof(ICommand<>)));

    /// <summary>The HTTP JSON contract without the members the route or the token fill (<see cref="NotFromBodyAttribute"/>).</summary>
    public static void LeaveOutNotFromBody(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object) return;
        for (var i = info.Properties.Count - 1; i >= 0; i--)
        {
            if (info.Properties[i].AttributeProvider is MemberInfo member && member.GetCustomAttribute<NotFromBodyAttribute>() is not null)
                info.Properties.RemoveAt(i);
        }
    }
}
