using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Matching.Service.Referrals.SubmittingIntake;
using Matching.Service.Shared;
using Microsoft.OpenApi;

namespace Matching.Service.Infrastructure;

/// <summary>
/// What the OpenAPI document says beyond what endpoint signatures give it, so a generated or validating client can
/// follow the contract: the bearer scheme and which operations need it (with the roles in the description), and every
/// error an operation can answer as problem details.
/// </summary>
public sealed class ApiDocument(Microsoft.AspNetCore.Routing.EndpointDataSource endpoints) : IOpenApiDocumentTransformer
{
    public const string BearerScheme = "bearer";

    private static readonly Dictionary<string, string> RolesByPolicy = new()
    {
        [Policies.Coordination] = "coordinator, admin",
        [Policies.Clinicians] = "clinician (own proposals only)",
        [Policies.Erasure] = "compliance, admin",
        [Policies.DirectoryAdmin] = "admin",
        [Policies.OwnClinicianRecord] = "admin; clinician (own record only: another clinician's id is a 403)",
        [Policies.DirectoryRead] = "coordinator, admin",
        [Policies.Audit] = "compliance",
        [Policies.Reports] = "analyst, admin, compliance"
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken token)
    {
        // Servers as the request saw them, without the trailing slash paths would double.
        foreach (var server in document.Servers ?? []) server.Url = server.Url?.TrimEnd('/');
        document.Info.Description = "Referral matching for a counseling practice: intake, triage, matching, proposals, first sessions, audit and reports. " +
                                    "Errors are RFC 9457 problem details.";
        document.Tags = new HashSet<OpenApiTag>(Areas.Select(a => new OpenApiTag { Name = a.Key, Description = a.Value }));
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "An access token from the practice's OpenID Connect provider (audience `matching`); in Development, a dev token."
        };
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas.TryAdd(nameof(Microsoft.AspNetCore.Mvc.ProblemDetails), ProblemSchema(withErrors: false));
        document.Components.Schemas[ValidationProblem] = ProblemSchema(withErrors: true);

        foreach (var schema in document.Components.Schemas.Values.OfType<OpenApiSchema>()) NullableAsAnyOf(schema);

        foreach (var endpoint in endpoints.Endpoints.OfType<RouteEndpoint>())
        {
            var route = "/" + endpoint.RoutePattern.RawText?.TrimStart('/');
            if (document.Paths is null || !document.Paths.TryGetValue(route, out var path) || path.Operations is null) continue;
            var method = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods.FirstOrDefault();
            if (method is null) continue;
            var operation = path.Operations.FirstOrDefault(o => o.Key.ToString().Equals(method, StringComparison.OrdinalIgnoreCase)).Value;
            if (operation is null) continue;

            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>().ToArray();
            var roles = anonymous ? "anonymous" : policies.Length == 0 ? "any signed-in user"
                : string.Join("; ", policies.Select(p => RolesByPolicy.GetValueOrDefault(p, p)));
            operation.Description = $"{operation.Description}\n\nRoles: {roles}.".Trim();

            // An empty requirement says "no credentials": the public intake.
            operation.Security = anonymous
                ? [new OpenApiSecurityRequirement()]
                : [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];
            Name(operation, method, route);
            DeclareErrors(document, operation, route, method, anonymous);
            DescribeParameters(document, operation, route);
            DescribeAnswers(operation, route);
            if (route == Referrals.TextOptOut.InboundTextEndpoint.Route) DescribeTextWebhook(document, operation);
            if (operation.RequestBody?.Content?.TryGetValue("application/json", out var body) == true
                && body.Schema is OpenApiSchemaReference { Reference.Id: { } schemaName })
                body.Example = ApiExamples.For(schemaName);
        }
        DiscriminatePayment(document);
        return Task.CompletedTask;
    }

    /// <summary>
    /// What each query parameter takes. The endpoints read them as text so a bad value is a 400 naming the parameter;
    /// the document says what a good one is.
    /// </summary>
    private static void DescribeParameters(OpenApiDocument document, OpenApiOperation operation, string route)
    {
        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
        {
            IOpenApiSchema? schema = (parameter.In, parameter.Name) switch
            {
                (ParameterLocation.Query, "from" or "to") => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date" },
                (ParameterLocation.Query, "urgent" or "overdue" or "accepting" or "includeOffboarded") => new OpenApiSchema { Type = JsonSchemaType.Boolean },
                (ParameterLocation.Query, "clinicianId") => new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" },
                (ParameterLocation.Query, "concern" or "specialty") => new OpenApiSchemaReference(nameof(Concern), document),
                (ParameterLocation.Query, "groupBy") => new OpenApiSchemaReference(nameof(Reports.MatchOutcomes.OutcomeGrouping), document),
                (ParameterLocation.Query, "state") => new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[A-Z]{2}$" },
                (ParameterLocation.Query, "page") => Whole(1, Referrals.Queue.QueueFilter.MaxPage),
                (ParameterLocation.Query, "pageSize") => Whole(1, Referrals.Queue.QueueFilter.MaxPageSize),
                (ParameterLocation.Query, "limit") => Whole(1, Audit.AuditCheckpoints.MaxLimit),
                (ParameterLocation.Query, "format") => Words("ndjson", "csv"),
                (ParameterLocation.Query, "q") => new OpenApiSchema
                {
                    Type = JsonSchemaType.String, MinLength = Referrals.Queue.QueueSearch.MinLength, MaxLength = Referrals.Queue.QueueSearch.MaxLength
                },
                (ParameterLocation.Query, "sort") => Words(Referrals.Queue.QueueSort.Names.ToArray()),
                (ParameterLocation.Query, "status") when route == "/api/me/proposals" => Words("pending", "all"),
                (ParameterLocation.Query, "status") => new OpenApiSchemaReference(nameof(Referrals.ReferralStatus), document),
                (ParameterLocation.Header, SubmitIntakeEndpoint.IdempotencyKeyHeader) => new OpenApiSchema
                {
                    Type = JsonSchemaType.String, MinLength = 1, MaxLength = SubmitIntakeEndpoint.MaxIdempotencyKeyLength
                },
                _ => null
            };
            if (schema is not null) parameter.Schema = schema;
            parameter.Description = (parameter.In, parameter.Name) switch
            {
                (ParameterLocation.Query, "q") =>
                    "Part of the client's name or email (case ignored), a phone number however it is punctuated, or a referral reference " +
                    "(\"7K2M-9XP3\"; case, spaces and dashes ignored). Each referral a search returns is recorded as an access.",
                (ParameterLocation.Query, "sort") =>
                    "A column order instead of the queue's own (risk awaiting acknowledgement, then overdue, then oldest intake): client, status " +
                    "(lifecycle order), waiting (shortest wait first) or due (soonest first); a leading '-' reverses it. newest: risk awaiting " +
                    "acknowledgement first, then the newest intake first.",
                _ => parameter.Description
            };
            if (parameter is { In: ParameterLocation.Header, Name: SubmitIntakeEndpoint.IdempotencyKeyHeader })
                parameter.Description = "A key the client makes once per intake (a UUID, say): sending the same intake again with it answers the " +
                                        "first referral (200) instead of making a second; the same key with a different intake is a 422.";
        }
    }

    private static OpenApiSchema Whole(int minimum, int maximum) => new()
    {
        Type = JsonSchemaType.Integer, Format = "int32",
        Minimum = minimum.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Maximum = maximum.ToString(System.Globalization.CultureInfo.InvariantCulture)
    };

    private static OpenApiSchema Words(params string[] words) => new()
    {
        Type = JsonSchemaType.String, Enum = words.Select(w => (JsonNode)JsonValue.Create(w)).ToList()
    };

    /// <summary>Headers of successful answers, and the CSV the reports and the audit export offer.</summary>
    private static void DescribeAnswers(OpenApiOperation operation, string route)
    {
        foreach (var (status, response) in (operation.Responses ?? []).Where(r => r.Key == "201"))
            if (response is OpenApiResponse created)
                created.Headers = new Dictionary<string, IOpenApiHeader>
                {
                    ["Location"] = new OpenApiHeader
                    {
                        Description = "Where to read what was created (the referral, or the clinician).",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference" }
                    }
                };
        if (operation.Responses?.TryGetValue("200", out var ok) != true || ok is not OpenApiResponse answer) return;
        var csv = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "RFC 4180 CSV with a header row." } };
        if (route.StartsWith("/api/reports/", StringComparison.Ordinal))
        {
            answer.Content ??= new Dictionary<string, OpenApiMediaType>();
            answer.Content[Reports.ReportCsv.ContentType] = csv;
            answer.Description = "The report; with `Accept: text/csv`, its rows as CSV (freshness in the X-Report-As-Of headers).";
            answer.Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["X-Report-As-Of-Sequence"] = new OpenApiHeader
                {
                    Description = "CSV answers: the last event the report has read.", Schema = new OpenApiSchema { Type = JsonSchemaType.String }
                },
                ["X-Report-As-Of"] = new OpenApiHeader
                {
                    Description = "CSV answers: when that event was recorded.", Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" }
                }
            };
        }
        else if (route == "/api/audit/export")
        {
            answer.Description = "Every audit entry in the range, one JSON object a line (`format=ndjson`, the default) or CSV (`format=csv`).";
            answer.Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/x-ndjson"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "One audit entry as JSON a line." } },
                [Reports.ReportCsv.ContentType] = csv
            };
        }
    }

    /// <summary>
    /// The SMS provider's webhook takes Twilio's form, not JSON, and a signature instead of a token: it answers TwiML, and
    /// none of the JSON routes' refusals (400, 409, 413, 415, 422, 429) apply to it.
    /// </summary>
    private static void DescribeTextWebhook(OpenApiDocument document, OpenApiOperation operation)
    {
        OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };
        operation.Description = "Twilio calls this for every text sent to the practice's number. A keyword alone (STOP, STOPALL, UNSUBSCRIBE, " +
                                "CANCEL, END, QUIT, REVOKE, OPTOUT; START, UNSTOP, YES; case and spaces ignored) stops or resumes texts on every " +
                                "open referral whose client's phone is the sender's number; any other text changes nothing." +
                                "\n\nRoles: anonymous, signed by the provider.";
        operation.Parameters =
        [
            new OpenApiParameter
            {
                Name = Referrals.TextOptOut.InboundTextEndpoint.SignatureHeader, In = ParameterLocation.Header, Required = true,
                Description = "Twilio's HMAC-SHA1 signature of the public URL and the form, keyed with `Sms:AuthToken`.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String }
            }
        ];
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/x-www-form-urlencoded"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Required = new HashSet<string> { "From", "Body" },
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            ["From"] = Text("The sender's number, E.164."), ["Body"] = Text("The text."), ["MessageSid"] = Text("Twilio's id of the text.")
                        },
                        // Twilio sends more fields (To, AccountSid, NumMedia, ...), all covered by the signature.
                        AdditionalPropertiesAllowed = true
                    }
                }
            }
        };
        operation.Responses = new OpenApiResponses
        {
            ["200"] = new OpenApiResponse
            {
                Description = "An empty TwiML answer: the service sends no text back.",
                Content = new Dictionary<string, OpenApiMediaType> { ["text/xml"] = new() { Schema = Text("`<Response/>`") } }
            }
        };
        Problem(document, operation, "403", "The signature is missing or doesn't match: nothing is recorded.");
        Problem(document, operation, "404", "Text messages are not configured (no `Sms:*` settings).");
        Problem(document, operation, "413", "The body is larger than 64 KiB.");
        Problem(document, operation, "503", "The database is unreachable or restarting; try again after `Retry-After` seconds.").Headers = RetryAfter();
    }

    /// <summary>
    /// An intake's payment is one of two shapes, told apart by `method`: insurance (payer and member id) or self-pay (the most
    /// the client can pay a session). Both branches say what the intake validator requires of them.
    /// </summary>
    private static void DiscriminatePayment(OpenApiDocument document)
    {
        var schemas = document.Components!.Schemas!;
        if (!schemas.ContainsKey(nameof(Referrals.Payment))) return;
        OpenApiSchema Branch(string method, string description, Dictionary<string, IOpenApiSchema> members, params string[] required) => new()
        {
            Type = JsonSchemaType.Object,
            Description = description,
            Required = new HashSet<string>(["method", .. required]),
            Properties = new Dictionary<string, IOpenApiSchema>(members) { ["method"] = Words(method) }
        };
        OpenApiSchema Text(int max) => new() { Type = JsonSchemaType.String, MinLength = 1, MaxLength = max };
        var rate = new OpenApiSchema { Type = JsonSchemaType.Number, ExclusiveMinimum = "0", Maximum = "10000", Description = "US dollars." };
        var optionalRate = new OpenApiSchema
        {
            Type = JsonSchemaType.Number | JsonSchemaType.Null, ExclusiveMinimum = "0", Maximum = "10000", Description = "US dollars; optional."
        };
        schemas["InsurancePayment"] = Branch("insurance", "Paid by the client's insurer.",
            new() { ["payer"] = Text(100), ["memberId"] = Text(64), ["maxSessionRate"] = optionalRate }, "payer", "memberId");
        schemas["SelfPayPayment"] = Branch("selfPay", "Paid by the client, up to a rate per session.",
            new() { ["maxSessionRate"] = rate }, "maxSessionRate");
        schemas[nameof(Referrals.Payment)] = new OpenApiSchema
        {
            Description = "How the sessions are paid for.",
            OneOf = [new OpenApiSchemaReference("InsurancePayment", document), new OpenApiSchemaReference("SelfPayPayment", document)],
            Discriminator = new OpenApiDiscriminator
            {
                PropertyName = "method",
                Mapping = new Dictionary<string, OpenApiSchemaReference>
                {
                    ["insurance"] = new("InsurancePayment", document), ["selfPay"] = new("SelfPayPayment", document)
                }
            }
        };
    }

    private const string ValidationProblem = "ValidationProblemDetails";

    /// <summary>
    /// The generator writes a nullable reference as `oneOf [null, ref]`; where the referenced schema admits null too
    /// (nullable enums did) a null matches both and `oneOf` fails. `anyOf` says what is meant.
    /// </summary>
    private static void NullableAsAnyOf(OpenApiSchema schema)
    {
        foreach (var (name, member) in (schema.Properties ?? new Dictionary<string, IOpenApiSchema>()).ToArray())
        {
            if (member is not OpenApiSchema property) continue;
            if (property.OneOf is { Count: 2 } branches && branches.Any(b => b is OpenApiSchema { Type: JsonSchemaType.Null }))
            {
                var referenced = branches.Single(b => b is not OpenApiSchema { Type: JsonSchemaType.Null });
                // A required member is the reference itself: null is not a value the contract takes there.
                if (schema.Required?.Contains(name) == true)
                {
                    schema.Properties![name] = referenced;
                    continue;
                }
                property.AnyOf = [referenced, new OpenApiSchema { Type = JsonSchemaType.Null }];
                property.OneOf = null;
            }
            if (property.Items is OpenApiSchema items) NullableAsAnyOf(items);
        }
    }

    /// <summary>The document's tags: the areas of the service, as its slices are grouped.</summary>
    private static readonly Dictionary<string, string> Areas = new()
    {
        ["Intake"] = "The public \"Get Matched with a Clinician\" form's submission.",
        ["Referrals"] = "Coordinators drive a referral: triage, risk, matching, proposals, contact, first session, closure, reads.",
        ["Proposals"] = "Clinicians answer the proposals addressed to them.",
        ["Clinicians"] = "The practice's clinician directory: onboarding, profile, capacity, availability.",
        ["Audit"] = "Compliance: audit trails, exports, integrity and signed checkpoints.",
        ["Reports"] = "Match outcomes for analysts, without personal data."
    };

    /// <summary>
    /// Tags and a summary from the endpoint's slice: `Referrals.Triaging.TriageReferralEndpoint` is a Referrals
    /// operation summarised "Triage referral" (the generator's default tag is the class's full name).
    /// </summary>
    private static void Name(OpenApiOperation operation, string method, string route)
    {
        var handler = operation.Tags?.FirstOrDefault()?.Name ?? "";
        var segments = handler.Split('.');
        var area = segments.Length > 2 ? segments[2] : "Referrals";
        var slice = segments.Length > 3 ? segments[3] : "";
        var tag = area switch
        {
            "Referrals" when slice == "SubmittingIntake" => "Intake",
            "Referrals" when slice is "ClinicianInbox" or "Accepting" or "Declining" => "Proposals",
            "Clinicians" or "Audit" or "Reports" => area,
            _ => "Referrals"
        };
        operation.Tags = new HashSet<OpenApiTagReference> { new(tag) };

        var type = segments[^1];
        foreach (var suffix in new[] { "Endpoints", "Endpoint" })
            if (type.EndsWith(suffix, StringComparison.Ordinal)) type = type[..^suffix.Length];
        var summary = Shared.Words.Label(type);
        // A class serving several routes: say which.
        if (type is "AuditCheckpoints" or "AuditTrail")
            summary = method == "POST" ? "Sign an audit checkpoint now" : route.Contains("{sub}") ? "Audit trail of a user"
                : route.Contains("{referralId}") ? "Audit trail of a referral" : "List audit checkpoints";
        operation.Summary = summary;
        if (operation.Description?.StartsWith(operation.OperationId ?? "\0", StringComparison.Ordinal) == true)
            operation.Description = operation.Description[(operation.OperationId!.Length)..].TrimStart();
    }

    /// <summary>The 409 `code`s a route answers besides the state's and the version's, where the client can act on them.</summary>
    private static readonly Dictionary<string, string> ConflictCodes = new()
    {
        ["/api/referrals/{referralId}/first-session"] = OutsideAvailability + " `formatNotAccepted`: the client asked for the other format.",
        ["/api/referrals/{referralId}/first-session/reschedule"] = OutsideAvailability,
        ["/api/client/{token}/slots"] = NoClinicianYet,
        ["/api/client/{token}/first-session"] = NoClinicianYet + " " + SlotUnavailable + " `formatNotAccepted`: that format isn't offered at that time.",
        ["/api/client/{token}/first-session/reschedule"] = TooLateToChange + " " + SlotUnavailable,
        ["/api/client/{token}/first-session/cancel"] = TooLateToChange
    };

    private const string NoClinicianYet = "`noClinicianYet`: no clinician has accepted yet, so there are no times to choose from.";
    private const string SlotUnavailable =
        "`slotUnavailable`: the time is not one the link offers now (taken meanwhile, or never offered); `slots` lists the times still open.";
    private const string TooLateToChange = "`tooLateToChange`: the session starts within `Matching:ClientChangeCutoff`; the client calls or emails the practice instead.";

    private const string OutsideAvailability =
        "`outsideAvailability`: the session lies outside the accepted clinician's weekly hours; send `overrideReason` to book it anyway (recorded on the event).";

    /// <summary>Every answer a client can get besides success, each as problem details.</summary>
    private static void DeclareErrors(OpenApiDocument document, OpenApiOperation operation, string route, string method, bool anonymous)
    {
        var writes = method is "POST" or "PUT";
        operation.Responses ??= new OpenApiResponses();
        Problem(document, operation, "400", "The request is invalid: `errors` maps each field to what is wrong.", ValidationProblem);
        if (!anonymous)
        {
            Problem(document, operation, "401", "No valid access token.");
            Problem(document, operation, "403", "The token's roles don't allow this operation.");
        }
        if (route.Contains('{')) Problem(document, operation, "404", "No such resource (or not one this user may see).");
        if (writes || ConflictCodes.ContainsKey(route))
        {
            var conflict = Problem(document, operation, "409", "The current state doesn't allow this, or someone changed it first (`expectedVersion`).");
            if (ConflictCodes.TryGetValue(route, out var codes)) conflict.Description += " " + codes;
        }
        if (writes)
        {
            Problem(document, operation, "413", "The body is larger than 64 KiB.");
            Problem(document, operation, "415", "The body is not JSON.");
        }
        else
        {
            // Reads that find nothing by a query answer an empty list, not 404.
            if (!route.Contains('{')) operation.Responses.Remove("404");
        }
        // The intake and the client's link are rate-limited per address.
        if (anonymous && (writes || route.StartsWith("/api/client/", StringComparison.Ordinal)))
        {
            Problem(document, operation, "429", "Too many requests from this address; try again after `Retry-After` seconds.")
                .Headers = RetryAfter();
            if (route == "/api/intake") Problem(document, operation, "422", "The `Idempotency-Key` was used before with a different body.");
        }
        Problem(document, operation, "503", "The database is unreachable or restarting; try again after `Retry-After` seconds.")
            .Headers = RetryAfter();
    }

    private static Dictionary<string, IOpenApiHeader> RetryAfter() => new()
    {
        ["Retry-After"] = new OpenApiHeader
        {
            Description = "Seconds to wait before trying again.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" }
        }
    };

    private static OpenApiResponse Problem(OpenApiDocument document, OpenApiOperation operation, string status, string description,
        string schema = nameof(Microsoft.AspNetCore.Mvc.ProblemDetails))
    {
        var response = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(schema, document) }
            }
        };
        operation.Responses![status] = response;
        return response;
    }

    /// <summary>RFC 9457 problem details; the validation form adds `errors` (field path → messages).</summary>
    private static OpenApiSchema ProblemSchema(bool withErrors)
    {
        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["title"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer | JsonSchemaType.Null, Format = "int32" },
                ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A stable, machine-readable reason where one exists." }
            },
            // Problem details may carry more members (traceId, failedFilters ...).
            AdditionalPropertiesAllowed = true
        };
        if (withErrors)
        {
            schema.Properties["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } }
            };
        }
        return schema;
    }
}
