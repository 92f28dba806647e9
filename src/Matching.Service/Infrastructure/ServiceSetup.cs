using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Threading.RateLimiting;
using JasperFx;
using JasperFx.CodeGeneration;
using Matching.Service.Audit;
using Matching.Service.Fhir;
using Matching.Service.Notifications;
using Matching.Service.Web;
using Matching.Service.Referrals.ClientLink;
using Matching.Service.Referrals.SubmittingIntake;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using NetEscapades.AspNetCore.SecurityHeaders;
using Scalar.AspNetCore;
using Wolverine;
using Wolverine.Http;
using Wolverine.Runtime;
using Wolverine.Marten;

namespace Matching.Service.Infrastructure;

public static class ServiceSetup
{
    /// <summary>The whole service on a builder: the service's own Program and the development host both call this.</summary>
    public static void AddMatchingService(this WebApplicationBuilder builder, string[] args)
    {
        var connectionString = RequiredSettings.ConnectionString(builder.Configuration, args)
                               ?? throw new InvalidOperationException("ConnectionStrings:Marten is not set.");
        var services = builder.Services;
        var role = NodeRoles.Of(builder.Configuration);
        var matching = builder.Configuration.GetSection("Matching");
        services.AddOptions<MatchingOptions>().Bind(matching).PostConfigure(o => o.ReadDurations(matching));
        services.AddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<MatchingOptions>>().Value);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<Referrals.ClientLink.ClientLinkSealer>();
        services.AddSingleton(builder.Configuration.GetSection(Matching.MatchWeights.SectionName).Get<Matching.MatchWeights>() ?? new Matching.MatchWeights());
        services.AddHttpContextAccessor();

        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = BodyGuardMiddleware.MaxBodyBytes);

        services.ConfigureHttpJsonOptions(o =>
        {
            Configure(o.SerializerOptions);
            o.SerializerOptions.TypeInfoResolver = (o.SerializerOptions.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver())
                .WithAddedModifier(CommandSetup.LeaveOutNotFromBody);
        });
        services.AddValidators();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ClientFailureHandler.Describe);
        services.AddExceptionHandler<ClientFailureHandler>();
        // ClientFailureHandler logs every failed request itself, without the exception's message or data (they can quote
        // what the client sent): the middleware's own error line, with the whole exception, is never written.
        services.Configure<ExceptionHandlerOptions>(o => o.SuppressDiagnosticsCallback = _ => true);
        services.AddSingleton<RequestBodyLogFilter>();
        services.AddSingleton<IConfigureOptions<LoggerFilterOptions>>(sp => sp.GetRequiredService<RequestBodyLogFilter>());
        services.AddSingleton<IOptionsChangeTokenSource<LoggerFilterOptions>>(sp => sp.GetRequiredService<RequestBodyLogFilter>());
        services.AddSingleton<IConfigureOptions<LoggerFilterOptions>, RequestPathLogFilter>();

        builder.AddMatchingHttpHardening();
        builder.AddMatchingKeyRing(connectionString);
        builder.AddMatchingAuth();
        builder.AddMatchingWeb();
        builder.AddMatchingMarten(connectionString);
        builder.Services.AddKeyRingOnStartup();
        builder.AddMatchingNotifications();
        builder.AddMatchingAuditAnchoring();
        builder.AddMatchingFhir();

        builder.Host.UseWolverine(opts =>
        {
            opts.ServiceName = "matching";
            // Handlers, endpoints and the committed generated code live here, whichever program hosts the service.
            opts.ApplicationAssembly = typeof(ServiceSetup).Assembly;
            opts.Policies.AutoApplyTransactions();
            AnswerRefusals.Register(opts.CodeGeneration);
            opts.Policies.UseDurableLocalQueues();
            NodeRoles.ConfigureDurability(opts.Durability, role);
            // Only Development compiles handlers at start-up; everywhere else loads the committed code in Internal/Generated.
            opts.CodeGeneration.TypeLoadMode = builder.Environment.IsDevelopment() ? TypeLoadMode.Dynamic : TypeLoadMode.Static;
        });
        services.AddWolverineHttp();

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(SubmitIntakeEndpoint.RateLimitPolicy, context =>
            {
                var perMinute = context.RequestServices.GetRequiredService<MatchingOptions>().IntakeRateLimitPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = Math.Max(1, perMinute), Window = TimeSpan.FromMinutes(1) });
            });
            // A client's link, wrong tokens included: guessing links costs a minute per few dozen tries from one address.
            o.AddPolicy(Referrals.ClientLink.ClientLinks.RateLimitPolicy, context =>
            {
                var perMinute = context.RequestServices.GetRequiredService<MatchingOptions>().ClientLinkRateLimitPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = Math.Max(1, perMinute), Window = TimeSpan.FromMinutes(1) });
            });
            o.OnRejected = async (context, token) =>
            {
                var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
                context.HttpContext.Response.Headers.RetryAfter = "60";
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails =
                    {
                        Status = 429,
                        Title = Referrals.ClientLink.ClientLinks.TokenOf(context.HttpContext.Request.Path) is null
                            ? "Too many intake submissions from this address; try again in a minute."
                            : "Too many requests from this address; try again in a minute."
                    }
                });
            };
        });

        services.AddSingleton<WarmUp>();
        services.AddHostedService(sp => sp.GetRequiredService<WarmUp>());
        services.AddHealthChecks()
            .AddNpgSql(connectionString, name: "postgresql", tags: ["ready"])
            .AddCheck<SchemaHealthCheck>("schema", tags: ["ready"])
            .AddCheck<WarmUp>("warm-up", tags: ["ready"]);

        services.AddOpenApi(o => o.AddDocumentTransformer<ApiDocument>().AddSchemaTransformer<ApiSchemas>());

        // Traces and metrics cost CPU on every request: collect them only when something consumes them
        // (an OTLP endpoint, or Telemetry:Enabled for another exporter).
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (otlp || builder.Configuration.GetValue<bool>("Telemetry:Enabled"))
        {
            var telemetry = services.AddOpenTelemetry()
                .ConfigureResource(r => r.AddService("matching-service"))
                .WithTracing(t => t
                    .AddAspNetCoreInstrumentation(o =>
                    {
                        o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/health");
                        // A client's link carries its token in the path: spans keep the route's template instead.
                        o.EnrichWithHttpRequest = (activity, request) =>
                        {
                            if (ClientLinks.TokenOf(request.Path) is { } token) activity.SetTag("url.path", request.Path.Value!.Replace(token, "{token}"));
                        };
                    })
                    .AddHttpClientInstrumentation()
                    .AddNpgsql()
                    .AddSource("Wolverine")
                    .AddSource("Marten"))
                .WithMetrics(m => m
                    .AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter("Wolverine:matching")
                    .AddMeter("Marten")
                    .AddMeter("Npgsql"));
            if (otlp) telemetry.UseOtlpExporter();
        }
    }

    public static void UseMatchingService(this WebApplication app)
    {
        var role = NodeRoles.Of(app.Configuration);
        MartenCommandLogger.Use(app.Services);
        app.UseMatchingHttpHardening();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        Fhir.FhirEndpoints.UseFhirOutcomes(app);
        app.UseMiddleware<BodyGuardMiddleware>();
        app.UseMatchingStaticFiles();
        app.UseNoStore();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseClientLinks();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        app.MapGet("/health/agents", (IWolverineRuntime runtime) => NodeRoles.Describe(role, runtime)).AllowAnonymous().ExcludeFromDescription();
        // A worker answers its probes and nothing else.
        if (!role.ServesRequests())
        {
            app.Lifetime.ApplicationStarted.Register(() => app.Logger.LogInformation("Worker node: projections, timers and notifications; HTTP serves /health only"));
            return;
        }

        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/docs", (o, context) => o
                .WithTitle("Matching.EventSourced API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .DisableDefaultFonts()
                .WithNonce(context.GetNonce()))
            .WithSecurityHeadersPolicy(HttpHardening.DocsPolicy)
            .AllowAnonymous();

        app.MapRazorPages();
        Fhir.FhirEndpoints.MapFhir(app);

        app.MapWolverineEndpoints(o =>
        {
            o.MapConcurrencyFailuresToConflict();
            // '?page=abc' is a 400 naming the parameter, not a request that runs with page = 0.
            o.RejectUnparseableQueryValues = true;
        });
        // A command's handler logs a failed invocation with the whole message (its notes, an intake's client) under the
        // command's type: silenced with the request bodies.
        app.Services.GetRequiredService<RequestBodyLogFilter>().Silence(((IEndpointRouteBuilder)app).DataSources.OfType<HttpGraph>()
            .SelectMany(graph => graph.Chains).Select(chain => chain.RequestType).OfType<Type>().Concat(CommandSetup.CommandTypes()));

        RequiredSettings.WarnAboutOptional(app);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var address = app.Urls.FirstOrDefault();
            if (address is not null) app.Logger.LogInformation("API docs: {DocsUrl}", $"{address.TrimEnd('/')}/docs");
        });
    }

    /// <summary>Serves, or runs the admin command the arguments name (codegen, projections, db-apply ...).</summary>
    public static async Task<int> RunMatchingAsync(this WebApplication app, string[] args)
    {
        // Serving needs no command line: JasperFx's command discovery scans every Marten and Wolverine assembly for
        // commands, about a second of a cold start (docs/benchmarks.md).
        if (args.Length == 0)
        {
            await app.RunAsync();
            return 0;
        }
        return await app.RunJasperFxCommands(args);
    }

    /// <summary>The API's JSON conventions in options of their own, for what the service serializes outside a request.</summary>
    public static readonly JsonSerializerOptions Conventions = CreateConventions();

    private static JsonSerializerOptions CreateConventions()
    {
        var options = new JsonSerializerOptions();
        Configure(options);
        return options;
    }

    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        // Strict reading: numbers are numbers, never strings (the web defaults ASP.NET Core starts from read "150" as
        // 150), and a key given twice is refused rather than the last one winning. Request bodies meet JsonBodyScan
        // first, which names the duplicated field; this holds for any other JSON the service reads.
        options.AllowDuplicateProperties = false;
        options.NumberHandling = JsonNumberHandling.Strict;
    }
}
