using System.Net;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Marten;
using Matching.Service.Audit;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Referrals.SubmittingIntake;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using FhirTask = Hl7.Fhir.Model.Task;
using Task = System.Threading.Tasks.Task;

namespace Matching.Service.Fhir;

/// <summary>
/// The FHIR R4 routes a partner organization's system uses: send a referral (a ServiceRequest with its resources
/// contained, or a Bundle), read back the Task that tracks it. Parsed and written by Firely's SDK; the referral is made
/// by the same SubmitIntake command as the public form's.
/// </summary>
public static class FhirEndpoints
{
    public const string ContentType = "application/fhir+json";
    public const string TaskRead = "fhir-task";
    public const string ServiceRequestRead = "fhir-service-request";

    /// <summary>Strict: an unknown element or a malformed value is refused, not quietly dropped.</summary>
    private static readonly IFhirSerializationEngine Engine = FhirSerializationEngineFactory.Strict(ModelInfo.ModelInspector);

    public static void MapFhir(this IEndpointRouteBuilder app)
    {
        var fhir = app.MapGroup("/fhir").ExcludeFromDescription();
        fhir.MapGet("/metadata", (TimeProvider time) => Write(FhirResources.Capabilities(time.GetUtcNow()))).AllowAnonymous();

        var referrer = fhir.MapGroup("").RequireAuthorization(Policies.Referrals);
        referrer.MapPost("/ServiceRequest", (HttpContext http, FhirProfiles profiles, IMessageBus bus, IDocumentSession session, CancellationToken ct) =>
            Receive(http, profiles, bus, session, bundle: false, ct));
        referrer.MapPost("/Bundle", (HttpContext http, FhirProfiles profiles, IMessageBus bus, IDocumentSession session, CancellationToken ct) =>
            Receive(http, profiles, bus, session, bundle: true, ct));
        referrer.MapGet("/Task/{id}", (string id, HttpContext http, IDocumentSession session, CancellationToken ct) =>
            Read(id, http, session, TaskRead, FhirResources.TaskOf, ct));
        referrer.MapGet("/ServiceRequest/{id}", (string id, HttpContext http, IDocumentSession session, CancellationToken ct) =>
            Read(id, http, session, ServiceRequestRead, FhirResources.ServiceRequestOf, ct));
        referrer.MapGet("/Task", SearchTasks);

        referrer.MapPost("/Subscription", (HttpContext http, IDocumentSession session, FhirSubscriptionOptions options, SubscriptionHeaderSealer sealer,
            TimeProvider time, CancellationToken ct) => SaveSubscription(null, http, session, options, sealer, time, ct));
        referrer.MapPut("/Subscription/{id}", (string id, HttpContext http, IDocumentSession session, FhirSubscriptionOptions options,
            SubscriptionHeaderSealer sealer, TimeProvider time, CancellationToken ct) => SaveSubscription(id, http, session, options, sealer, time, ct));
        referrer.MapGet("/Subscription/{id}", async (string id, HttpContext http, IDocumentSession session, CancellationToken ct) =>
            await OwnSubscription(id, http, session, ct) is { } subscription ? Write(TaskSubscriptionRequest.ResourceOf(subscription)) : NotFound());
        referrer.MapDelete("/Subscription/{id}", DeleteSubscription);
        referrer.MapGet("/Subscription", SearchSubscriptions);
    }

    /// <summary>Where FHIR routes answer with an error of their own making (401, 403, an unknown route), an OperationOutcome.</summary>
    public static void UseFhirOutcomes(this IApplicationBuilder app) =>
        app.UseWhen(c => Serves(c.Request), branch => branch.Use(async (context, next) =>
        {
            // The status-code pages would write a ProblemDetails; FHIR clients read OperationOutcome.
            if (context.Features.Get<IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
            await next(context);
            if (context.Response.HasStarted || context.Response.StatusCode < 400 || context.Response.ContentLength > 0) return;
            var (code, text) = context.Response.StatusCode switch
            {
                401 => (OperationOutcome.IssueType.Login, "A bearer token with the role referrer is required."),
                403 => (OperationOutcome.IssueType.Forbidden, "This token may not use the FHIR routes: it needs the role referrer and a referrer_org claim."),
                404 => (OperationOutcome.IssueType.NotFound, "No such resource or route."),
                405 => (OperationOutcome.IssueType.NotSupported, "This interaction is not supported here; see /fhir/metadata."),
                _ => (OperationOutcome.IssueType.Processing, ReasonPhrase(context.Response.StatusCode))
            };
            await Write(Outcome(code, text), (HttpStatusCode)context.Response.StatusCode).ExecuteAsync(context);
        }));

    public static bool Serves(HttpRequest request) => request.Path.StartsWithSegments("/fhir");

    /// <summary>A failure the exception handler answers on a FHIR route (409, 413, 503, 500), as an OperationOutcome.</summary>
    public static Task WriteFailureAsync(HttpContext context, int status, string text) =>
        Write(Outcome(status switch
        {
            409 => OperationOutcome.IssueType.Conflict,
            413 => OperationOutcome.IssueType.TooLong,
            503 => OperationOutcome.IssueType.Transient,
            >= 400 and < 500 => OperationOutcome.IssueType.Invalid,
            _ => OperationOutcome.IssueType.Exception
        }, text), (HttpStatusCode)status).ExecuteAsync(context);

    private static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);

    /// <summary>The posted resource, read strictly; or the answer refusing the body (size, media type, JSON, FHIR).</summary>
    private static async Task<(Resource? Resource, IResult? Refused)> ReadBody(HttpContext http, CancellationToken ct)
    {
        if (http.Request.ContentLength > BodyGuardMiddleware.MaxBodyBytes)
            return (null, TooLarge());
        if (http.Request.ContentType is not { } type
            || !(type.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase) || type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)))
            return (null, Error(HttpStatusCode.UnsupportedMediaType, OperationOutcome.IssueType.NotSupported, $"Send the resource as {ContentType}."));
        // A chunked body has no length to check up front: the server stops reading it at the limit (in bytes).
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = BodyGuardMiddleware.MaxBodyBytes;

        Resource resource;
        try
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync(ct);
            if (body.Length > BodyGuardMiddleware.MaxBodyBytes) return (null, TooLarge());
            resource = Engine.DeserializeFromJson(body)!;
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge());
        }
        catch (DeserializationFailedException failed)
        {
            // The SDK's own outcome: each issue names the element it could not read and why (to the sender only, never logged).
            var outcome = failed.ToOperationOutcome();
            foreach (var issue in outcome.Issue.Where(i => !i.Expression.Any())) issue.Expression = issue.Location;
            return (null, Write(outcome, HttpStatusCode.BadRequest));
        }
        // JSON that isn't an object (an array, a bare value) is refused by the SDK as an invalid operation.
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            return (null, Error(HttpStatusCode.BadRequest, OperationOutcome.IssueType.Structure, "The body is not a FHIR R4 resource in JSON."));
        }

        return (resource, null);
    }

    private static async Task<IResult> Receive(HttpContext http, FhirProfiles profiles, IMessageBus bus, IDocumentSession session, bool bundle,
        CancellationToken ct)
    {
        var (read, refused) = await ReadBody(http, ct);
        if (refused is not null) return refused;
        var resource = read!;

        var (request, beside) = (bundle, resource) switch
        {
            (false, ServiceRequest sr) => (sr, (IReadOnlyList<Bundle.EntryComponent>)[]),
            (true, Bundle { Type: Bundle.BundleType.Transaction or Bundle.BundleType.Message } b) =>
                (b.Entry.Select(e => e.Resource).OfType<ServiceRequest>().FirstOrDefault(),
                 b.Entry.Where(e => e.Resource is not null and not ServiceRequest).ToList()),
            _ => (null, [])
        };
        if (request is null)
            return Error(HttpStatusCode.BadRequest, OperationOutcome.IssueType.Invalid, bundle
                ? "Send a transaction or message Bundle holding one ServiceRequest with its Patient, Coverage and QuestionnaireResponse (PHQ-9 item 9)."
                : "Send a ServiceRequest with its Patient, Coverage and QuestionnaireResponse (PHQ-9 item 9) contained.",
                bundle ? "Bundle" : "ServiceRequest");

        // The R4 profiles' invariants and required bindings, before anything is read from it (to the sender only, never logged).
        try
        {
            if (await profiles.ErrorsAsync(resource, ct) is { } invalid) return Write(invalid, HttpStatusCode.UnprocessableEntity);
        }
        catch (FhirValidatorBusyException)
        {
            http.Response.Headers.RetryAfter = ClientFailureHandler.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Error(HttpStatusCode.ServiceUnavailable, OperationOutcome.IssueType.Transient,
                "Referrals are being checked one at a time and this one waited too long: send it again in a few seconds (the same identifier makes no second referral).");
        }

        var organization = http.User.ReferrerOrg()!;
        if (FhirIntake.Read(request, beside, organization, out var missing) is not { } referral)
            return Error(HttpStatusCode.UnprocessableEntity, OperationOutcome.IssueType.Required,
                "The ServiceRequest needs an identifier: sending it again with the same identifier makes no second referral.", missing!);

        var answer = await bus.AskAsync(new SubmitIntake(referral.Intake, referral.IdempotencyKey, referral.Partner), ct);
        if (answer.Problem is { } problem) return Refusal(problem);

        var created = (await session.LoadAsync<Referral>(answer.Result!.ReferralId, ct))!;
        var status = answer.Result.Repeat ? HttpStatusCode.OK : HttpStatusCode.Created;
        if (answer.Result.Repeat)
        {
            // The referral as it stands now is read back, as by GET /fhir/Task/{id}.
            AccessLog.Record(session, created.Id, TaskRead);
            await session.SaveChangesAsync(ct);
        }
        return new Located($"/fhir/Task/{created.Id}", created.StatusSince, Preferred(http, status, () => FhirResources.TaskOf(created),
            answer.Result.Repeat ? "This identifier was already received: the Task tracking it is at Location." : "Received: the Task tracking it is at Location."));
    }

    /// <summary>
    /// FHIR's <c>Prefer</c> on create: the Task (<c>return=representation</c>, the default), no body
    /// (<c>return=minimal</c>, for senders that only keep the Location) or an informational OperationOutcome.
    /// </summary>
    private static IResult Preferred(HttpContext http, HttpStatusCode status, Func<Resource> representation, string outcome)
    {
        var prefer = http.Request.Headers["Prefer"].ToString();
        if (prefer.Contains("return=minimal", StringComparison.OrdinalIgnoreCase)) return Results.StatusCode((int)status);
        if (prefer.Contains("return=OperationOutcome", StringComparison.OrdinalIgnoreCase))
        {
            var information = Outcome(OperationOutcome.IssueType.Informational, outcome);
            information.Issue[0].Severity = OperationOutcome.IssueSeverity.Information;
            return Write(information, status);
        }
        return Write(representation(), status);
    }

    /// <summary>The intake's refusal in FHIR's terms: each field named by the element it was read from.</summary>
    private static IResult Refusal(ProblemDetails problem)
    {
        if (problem is HttpValidationProblemDetails invalid)
        {
            var outcome = new OperationOutcome();
            foreach (var (field, messages) in invalid.Errors)
            foreach (var message in messages)
                outcome.Issue.Add(new OperationOutcome.IssueComponent
                {
                    Severity = OperationOutcome.IssueSeverity.Error,
                    Code = OperationOutcome.IssueType.Invalid,
                    Diagnostics = message,
                    Expression = [FhirIntake.Expression(field)]
                });
            return Write(outcome, HttpStatusCode.UnprocessableEntity);
        }
        return problem.Extensions.TryGetValue("code", out var code) && Equals(code, "idempotencyKeyReused")
            ? Error(HttpStatusCode.Conflict, OperationOutcome.IssueType.Duplicate,
                "This identifier was already used for a different referral: send a new identifier with a new referral.", "ServiceRequest.identifier")
            : Error((HttpStatusCode)(problem.Status ?? 422), OperationOutcome.IssueType.Processing, problem.Title ?? "The referral was refused.");
    }

    /// <summary>One referral's resource, for the organization that sent it; for any other, as if it did not exist.</summary>
    private static async Task<IResult> Read(string id, HttpContext http, IDocumentSession session, string accessed,
        Func<Referral, Resource> resource, CancellationToken ct)
    {
        if (await Own(id, http, session, ct) is not { } referral) return NotFound();
        AccessLog.Record(session, referral.Id, accessed);
        await session.SaveChangesAsync(ct);
        return Write(resource(referral));
    }

    /// <summary>
    /// The organization's Tasks by <c>based-on</c> and <c>_lastUpdated</c>, oldest change first, in pages linked by
    /// <c>next</c> (<see cref="TaskSearch"/>). Each Task returned is an access entry.
    /// </summary>
    private static async Task<IResult> SearchTasks(HttpContext http, IDocumentSession session, CancellationToken ct)
    {
        if (TaskSearch.Parse(http.Request.Query, out var refusal) is not { } search)
            return Error(HttpStatusCode.BadRequest, OperationOutcome.IssueType.Invalid, refusal!.Problem, refusal.Parameter);

        var organization = http.User.ReferrerOrg()!;
        var total = await search.Matching(session, organization).CountAsync(ct);
        var page = search.Count == 0 ? [] : await search.Page(session, organization).ToListAsync(ct);
        var shown = page.Take(search.Count).ToList();

        var root = $"{http.Request.Scheme}://{http.Request.Host}/fhir";
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Total = total };
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = $"{root}/Task?{search.QueryString(search.After)}" });
        if (page.Count > search.Count)
        {
            var last = shown[^1];
            var after = new TaskSearch.Cursor(TaskSearch.Stored(last.StatusSince), last.Id);
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = $"{root}/Task?{search.QueryString(after)}" });
        }
        foreach (var referral in shown)
        {
            AccessLog.Record(session, referral.Id, TaskRead);
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"{root}/Task/{referral.Id}",
                Resource = FhirResources.TaskOf(referral),
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match }
            });
        }
        if (shown.Count > 0) await session.SaveChangesAsync(ct);
        return Write(bundle);
    }

    /// <summary>
    /// A partner's rest-hook Subscription to its Tasks, created (POST) or replaced (PUT, which also takes it out of error):
    /// active at once, for the caller's organization only (docs/adr/0037-fhir-task-subscriptions.md).
    /// </summary>
    private static async Task<IResult> SaveSubscription(string? id, HttpContext http, IDocumentSession session, FhirSubscriptionOptions options,
        SubscriptionHeaderSealer sealer, TimeProvider time, CancellationToken ct)
    {
        TaskSubscription? existing = null;
        if (id is not null && (existing = await OwnSubscription(id, http, session, ct)) is null) return NotFound();

        var (resource, refused) = await ReadBody(http, ct);
        if (refused is not null) return refused;
        if (resource is not Subscription posted)
            return Error(HttpStatusCode.BadRequest, OperationOutcome.IssueType.Invalid, "Send a Subscription.", "Subscription");
        if (id is not null && posted.Id is { } bodyId && bodyId != id)
            return Error(HttpStatusCode.BadRequest, OperationOutcome.IssueType.Invalid, "The Subscription's id is not the one in the URL.", "Subscription.id");

        if (TaskSubscriptionRequest.Read(posted, http.User.ReferrerOrg()!, options.AllowInsecureSubscriptionEndpoints, sealer, out var refusal)
            is not { } subscription)
            return Error(HttpStatusCode.UnprocessableEntity, OperationOutcome.IssueType.Invalid, refusal!.Problem, refusal.Element);

        var now = time.GetUtcNow();
        subscription = subscription with
        {
            Id = existing?.Id ?? Guid.CreateVersion7(),
            // A notification still queued for the revision before is dropped: it was meant for the endpoint as it was.
            Revision = existing is null ? 0 : existing.Revision + 1,
            Created = existing?.Created ?? now
        };
        session.Store(subscription);
        await session.SaveChangesAsync(ct);
        return new Located($"/fhir/Subscription/{subscription.Id}", now,
            Write(TaskSubscriptionRequest.ResourceOf(subscription), existing is null ? HttpStatusCode.Created : HttpStatusCode.OK));
    }

    /// <summary>Deleted at once: a notification already queued for it finds no subscription and is not sent.</summary>
    private static async Task<IResult> DeleteSubscription(string id, HttpContext http, IDocumentSession session, CancellationToken ct)
    {
        if (await OwnSubscription(id, http, session, ct) is not { } subscription) return NotFound();
        session.Delete(subscription);
        await session.SaveChangesAsync(ct);
        return Results.NoContent();
    }

    /// <summary>The organization's subscriptions, oldest first; no parameters (a partner has a handful).</summary>
    private static async Task<IResult> SearchSubscriptions(HttpContext http, IQuerySession session, CancellationToken ct)
    {
        if (http.Request.Query.Keys.FirstOrDefault(k => k != TaskSearch.FormatParameter) is { } unknown)
            return Error(HttpStatusCode.BadRequest, OperationOutcome.IssueType.Invalid,
                $"The search parameter {unknown} is not supported: a Subscription search answers all of the organization's.", unknown);
        var organization = http.User.ReferrerOrg()!;
        var subscriptions = await session.Query<TaskSubscription>().Where(s => s.Organization == organization)
            .OrderBy(s => s.Created).ToListAsync(ct);
        var root = $"{http.Request.Scheme}://{http.Request.Host}/fhir";
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Total = subscriptions.Count };
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = $"{root}/Subscription" });
        foreach (var subscription in subscriptions)
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"{root}/Subscription/{subscription.Id}",
                Resource = TaskSubscriptionRequest.ResourceOf(subscription),
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match }
            });
        return Write(bundle);
    }

    private static async Task<TaskSubscription?> OwnSubscription(string id, HttpContext http, IQuerySession session, CancellationToken ct) =>
        Guid.TryParse(id, out var subscriptionId) && await session.LoadAsync<TaskSubscription>(subscriptionId, ct) is { } subscription
        && subscription.Organization == http.User.ReferrerOrg()
            ? subscription
            : null;

    private static async Task<Referral?> Own(string id, HttpContext http, IDocumentSession session, CancellationToken ct) =>
        Guid.TryParse(id, out var referralId) && await session.LoadAsync<Referral>(referralId, ct) is { Partner: { } partner } referral
        && partner.Organization == http.User.ReferrerOrg()
            ? referral
            : null;

    private static IResult TooLarge() =>
        Error(HttpStatusCode.RequestEntityTooLarge, OperationOutcome.IssueType.TooLong, "The body is larger than 64 KiB.");

    private static IResult NotFound() => Error(HttpStatusCode.NotFound, OperationOutcome.IssueType.NotFound, "No such resource.");

    public static OperationOutcome Outcome(OperationOutcome.IssueType code, string text, params string[] expression) => new()
    {
        Issue =
        [
            new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Error, Code = code, Diagnostics = text, Expression = expression
            }
        ]
    };

    private static IResult Error(HttpStatusCode status, OperationOutcome.IssueType code, string text, params string[] expression) =>
        Write(Outcome(code, text, expression), status);

    private static IResult Write(Resource resource, HttpStatusCode status = HttpStatusCode.OK) =>
        Results.Text(Engine.SerializeToJson(resource), ContentType, System.Text.Encoding.UTF8, (int)status);

    /// <summary>The Task's address and when it last changed, as a FHIR server gives them on create.</summary>
    private sealed class Located(string location, DateTimeOffset lastModified, IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.Headers.Location = location;
            context.Response.Headers.LastModified = lastModified.ToString("R");
            return inner.ExecuteAsync(context);
        }
    }
}
