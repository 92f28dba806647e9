using System.Net;
using System.Net.Http.Headers;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Marten;
using Marten.Events;
using Matching.Service.Audit;
using Matching.Service.Fhir;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Escalating;
using Matching.Tests.Support;
using FhirTask = Hl7.Fhir.Model.Task;
using Task = System.Threading.Tasks.Task;

namespace Matching.Tests.Fhir;

/// <summary>A partner's system sending referrals and reading their Tasks with Firely's FhirClient, over the service's HTTP.</summary>
public partial class FhirReferralTests(TimerFixture app) : IClassFixture<TimerFixture>
{
    private FhirClient Client(string? token) => FhirClients.For(app.Host, token);

    private FhirClient Clinic => Client(Tokens.Referrer(BserExamples.Clinic));

    private static string NewIdentifier() => $"REF-{Guid.NewGuid():N}";

    private async Task<(FhirTask Task, Guid ReferralId)> Send(Resource resource, FhirClient? client = null)
    {
        var task = (FhirTask)(await (client ?? Clinic).CreateAsync<Resource>(resource))!;
        return (task, Guid.Parse(task.Id!));
    }

    [Fact]
    public async Task a_service_request_becomes_a_referral_through_the_intake_command_and_is_answered_with_its_task()
    {
        var client = Clinic;
        var identifier = NewIdentifier();

        var task = (FhirTask)(await client.CreateAsync<Resource>(BserExamples.Referral(identifier)))!;

        client.LastResult!.Status.ShouldBe("201");
        client.LastResult.Location.ShouldBe($"/fhir/Task/{task.Id}");
        task.Status.ShouldBe(FhirTask.TaskStatus.Requested);
        task.BusinessStatus!.Coding.Single().Code.ShouldBe("awaitingTriage");
        task.BasedOn.Single().Reference.ShouldBe($"ServiceRequest/{task.Id}");
        task.Identifier.Single().Value.ShouldBe(identifier);
        task.Priority.ShouldBe(RequestPriority.Routine);

        var events = (await app.Store.EventsOf(Guid.Parse(task.Id!))).Select(e => e.Data).ToList();
        events.Select(e => e.GetType().Name).ShouldBe(["IntakeSubmitted", "PartnerReferralReceived", "ClientLinkIssued"]);
        var intake = ((IntakeSubmitted)events[0]).Intake;
        intake.Client.FirstName.ShouldBe("Adaeze");
        intake.Client.LastName.ShouldBe("Okafor");
        intake.Client.DateOfBirth.ShouldBe(new DateOnly(1991, 4, 12));
        intake.Client.State.ShouldBe("CO");
        intake.Client.Phone.ShouldBe("303 555 0142");
        intake.Concerns.ShouldBe([Service.Shared.Concern.Depression, Service.Shared.Concern.Anxiety]);
        intake.Payment.ShouldBe(new IntakePayment(PaymentMethod.Insurance, "Aetna", "AET-448812", null));
        intake.Safety.ThoughtsOfSelfHarm.ShouldBe(SelfHarmAnswer.NotAtAll);
        intake.Notes.ShouldBe("Low mood since a job loss in the spring; prefers evening sessions.");
        intake.Consent.TextMessagesOk.ShouldBeFalse();

        var source = (PartnerReferralReceived)events[1];
        source.Source.ShouldBe("fhir");
        source.Organization.ShouldBe(BserExamples.Clinic);
        source.RequestIdentifier.ShouldBe($"{BserExamples.IdentifierSystem}|{identifier}");
        source.Requester.ShouldBe("Dr. Priya Raman, Riverside Family Medicine");
        source.ReasonCodes.ShouldBe([
            new SourceCode(FhirIntake.Snomed, "35489007", "Depressive disorder"),
            new SourceCode(FhirIntake.Icd10, "F41.1", "Generalized anxiety disorder")]);

        // The coordinator sees where it came from, in the referral's details and on its page.
        var (read, details) = await app.Host.Get($"/api/referrals/{task.Id}", Tokens.Coordinator);
        read.ShouldBe(System.Net.HttpStatusCode.OK);
        details!["partner"]!["organization"]!.GetValue<string>().ShouldBe(BserExamples.Clinic);
        details["partner"]!["source"]!.GetValue<string>().ShouldBe("fhir");
        using (var page = PageClient.For(app.Host))
        {
            (await page.SignInAsync("coordinator")).StatusCode.ShouldBe(System.Net.HttpStatusCode.Redirect);
            var html = await (await page.GetAsync($"/coordinator/referrals/{task.Id}")).Content.ReadAsStringAsync();
            html.ShouldContain($"Referred by {BserExamples.Clinic} over FHIR");
            html.ShouldContain("Depressive disorder (35489007)");
        }

        var request = await client.ReadAsync<ServiceRequest>($"ServiceRequest/{task.Id}");
        request!.Identifier.Single().Value.ShouldBe(identifier);
        request.ReasonCode.SelectMany(c => c.Coding).Select(c => c.Code).ShouldBe(["35489007", "F41.1"]);
        request.Status.ShouldBe(RequestStatus.Active);
    }

    [Fact]
    public async Task the_funnel_splits_a_partners_referrals_from_the_public_forms()
    {
        await Send(BserExamples.Referral(NewIdentifier()));
        (await app.Host.Post("/api/intake", Samples.Intake())).Status.ShouldBe(HttpStatusCode.Created);
        await app.Store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));

        var (status, funnel) = await app.Host.Get("/api/reports/funnel", Tokens.Analyst);

        status.ShouldBe(HttpStatusCode.OK, funnel?.ToJsonString());
        var sources = funnel!["bySource"]!.AsArray();
        sources[0]!["source"]!.GetValue<string>().ShouldBe("form");
        sources[0]!["counts"]!["submitted"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(1);
        var partner = sources.Single(s => s!["organization"]?.GetValue<string>() == BserExamples.Clinic)!;
        partner["source"]!.GetValue<string>().ShouldBe("fhir");
        partner["counts"]!["submitted"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(1);
        sources.Sum(s => s!["counts"]!["submitted"]!.GetValue<int>()).ShouldBe(funnel["submitted"]!.GetValue<int>());
    }

    [Theory]
    [InlineData(Bundle.BundleType.Transaction)]
    [InlineData(Bundle.BundleType.Message)]
    public async Task a_transaction_or_message_bundle_makes_the_same_referral(Bundle.BundleType type)
    {
        var identifier = NewIdentifier();
        var (task, id) = await Send(type == Bundle.BundleType.Message ? BserExamples.Message(identifier) : BserExamples.Transaction(identifier));

        task.Status.ShouldBe(FhirTask.TaskStatus.Requested);
        var intake = (await app.Store.EventsOf(id)).Select(e => e.Data).OfType<IntakeSubmitted>().Single().Intake;
        intake.Client.LastName.ShouldBe("Okafor");
        intake.Payment.MemberId.ShouldBe("AET-448812");
        intake.Concerns.ShouldBe([Service.Shared.Concern.Depression, Service.Shared.Concern.Anxiety]);
    }

    [Fact]
    public async Task the_same_identifier_twice_makes_one_referral_and_answers_200_with_the_same_task()
    {
        var client = Clinic;
        var identifier = NewIdentifier();

        var (first, id) = await Send(BserExamples.Referral(identifier), client);
        var before = await app.EventCount();
        var again = (FhirTask)(await client.CreateAsync<Resource>(BserExamples.Referral(identifier)))!;

        client.LastResult!.Status.ShouldBe("200");
        again.Id.ShouldBe(first.Id);
        (await app.Store.EventsOf(id)).Count(e => e.Data is IntakeSubmitted).ShouldBe(1);
        // Nothing new but the read-back of the Task, an access entry as any read of it.
        (await app.EventCount()).ShouldBe(before + 1);
        await using (var session = app.Store.QuerySession())
            (await session.Events.QueryRawEventDataOnly<PersonalDataAccessed>().Where(a => a.ReferralId == id).ToListAsync())
                .Select(a => a.Resource).ShouldBe([FhirEndpoints.TaskRead]);

        // The same identifier from another organization is another organization's referral.
        var (theirs, _) = await Send(BserExamples.Referral(identifier), Client(Tokens.Referrer(BserExamples.OtherClinic)));
        theirs.Id.ShouldNotBe(first.Id);

        // The same identifier for a different referral is a conflict, and changes nothing.
        var changed = BserExamples.Referral(identifier, BserExamples.Patient("1985-02-03"));
        var conflict = await Should.ThrowAsync<FhirOperationException>(() => client.CreateAsync<Resource>(changed));
        conflict.Status.ShouldBe(HttpStatusCode.Conflict);
        conflict.Outcome!.Issue.Single().Expression.ShouldBe(["ServiceRequest.identifier"]);
    }

    [Fact]
    public async Task an_invalid_referral_is_a_422_operation_outcome_naming_the_element_and_appends_nothing()
    {
        var before = await app.EventCount();
        var patient = BserExamples.Patient(birthDate: null);
        patient.Address[0].State = "XX";
        var request = BserExamples.Referral(NewIdentifier(), patient);
        request.ReasonCode = [FhirResources.Concept(FhirIntake.Snomed, "38341003", "Hypertension")];

        var refused = await Should.ThrowAsync<FhirOperationException>(() => Clinic.CreateAsync<Resource>(request));

        refused.Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        refused.Outcome!.Issue.SelectMany(i => i.Expression).ShouldBe(
            ["Patient.birthDate", "Patient.address.state", "ServiceRequest.reasonCode"], ignoreOrder: true);
        refused.Outcome.Issue.ShouldAllBe(i => i.Severity == OperationOutcome.IssueSeverity.Error && !string.IsNullOrEmpty(i.Diagnostics));
        (await app.EventCount()).ShouldBe(before);

        var unnamed = BserExamples.Referral(NewIdentifier());
        unnamed.Identifier = [];
        var noIdentifier = await Should.ThrowAsync<FhirOperationException>(() => Clinic.CreateAsync<Resource>(unnamed));
        noIdentifier.Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        noIdentifier.Outcome!.Issue.Single().Expression.ShouldBe(["ServiceRequest.identifier"]);
        (await app.EventCount()).ShouldBe(before);
    }

    [Fact]
    public async Task a_referral_breaking_an_r4_invariant_is_a_422_operation_outcome_naming_the_element_and_appends_nothing()
    {
        var before = await app.EventCount();
        var patient = BserExamples.Patient();
        patient.Telecom.Add(new ContactPoint { Value = "303 555 0199" }); // cpt-2: a value needs its system

        var refused = await Should.ThrowAsync<FhirOperationException>(() => Clinic.CreateAsync<Resource>(BserExamples.Referral(NewIdentifier(), patient)));

        refused.Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var issue = refused.Outcome.ShouldNotBeNull().Issue.Single();
        issue.Severity.ShouldBe(OperationOutcome.IssueSeverity.Error);
        issue.Expression.ShouldBe(["ServiceRequest.contained[0].telecom[2]"]);
        issue.Diagnostics.ShouldNotBeNull().ShouldContain("cpt-2");
        (await app.EventCount()).ShouldBe(before);
    }

    [Fact]
    public async Task a_sender_that_prefers_a_minimal_answer_gets_the_location_alone_or_an_operation_outcome()
    {
        var minimal = FhirClients.For(app.Host, Tokens.Referrer(BserExamples.Clinic), ReturnPreference.Minimal);
        var identifier = NewIdentifier();

        (await minimal.CreateAsync<Resource>(BserExamples.Referral(identifier))).ShouldBeNull();

        minimal.LastResult!.Status.ShouldBe("201");
        var id = minimal.LastResult.Location!.Split('/')[^1];
        (await Clinic.ReadAsync<FhirTask>($"Task/{id}"))!.Identifier.Single().Value.ShouldBe(identifier);

        // Sent again, with an outcome preferred: 200, the same Task's address, and a word on what happened.
        var outcome = FhirClients.For(app.Host, Tokens.Referrer(BserExamples.Clinic), ReturnPreference.OperationOutcome);
        var again = (OperationOutcome)(await outcome.CreateAsync<Resource>(BserExamples.Referral(identifier)))!;
        outcome.LastResult!.Status.ShouldBe("200");
        outcome.LastResult.Location.ShouldBe($"/fhir/Task/{id}");
        again.Issue.Single().Severity.ShouldBe(OperationOutcome.IssueSeverity.Information);
    }

    [Fact]
    public async Task a_couple_paying_themselves_is_referred_with_the_session_type_and_rate_the_form_would_ask()
    {
        var request = BserExamples.Referral(NewIdentifier());
        request.Code = FhirResources.Concept(FhirIntake.SessionTypeSystem, "couples", "Couples therapy");
        request.Contained = request.Contained.Select(r => r is Coverage ? BserExamples.SelfPay(140m) : r).ToList();

        var (_, id) = await Send(request);

        var intake = ((IntakeSubmitted)(await app.Store.EventsOf(id)).First().Data).Intake;
        intake.SessionType.ShouldBe(Service.Shared.SessionType.Couples);
        intake.Payment.ShouldBe(new IntakePayment(PaymentMethod.SelfPay, null, null, 140m));
    }

    [Fact]
    public async Task a_self_pay_referral_without_its_rate_or_with_an_unknown_session_type_is_refused_naming_both_elements()
    {
        var before = await app.EventCount();
        var request = BserExamples.Referral(NewIdentifier());
        request.Code = FhirResources.Concept(FhirIntake.SessionTypeSystem, "group", null);
        request.Contained = request.Contained.Select(r => r is Coverage ? BserExamples.SelfPay(null) : r).ToList();

        var refused = await Should.ThrowAsync<FhirOperationException>(() => Clinic.CreateAsync<Resource>(request));

        refused.Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        refused.Outcome!.Issue.SelectMany(i => i.Expression).ShouldBe(
            ["ServiceRequest.code", $"Coverage.extension('{FhirIntake.MaxSessionRateExtension}')"], ignoreOrder: true);
        (await app.EventCount()).ShouldBe(before);
    }

    private async Task<(HttpStatusCode Status, string? MediaType, OperationOutcome? Outcome)> PostRaw(string path, string body,
        string contentType = "application/fhir+json")
    {
        using var http = app.Host.Server.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.Referrer(BserExamples.Clinic));
        var answer = await http.PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, contentType));
        var text = await answer.Content.ReadAsStringAsync();
        return (answer.StatusCode, answer.Content.Headers.ContentType?.MediaType, text.Length == 0 ? null : FhirIntakeTests.Parse(text) as OperationOutcome);
    }

    [Theory]
    [InlineData("""{"resourceType":"ServiceRequest","status":"active","intent":"order","priority":"whenever","subject":{"reference":"#p"}}""", "priority")]
    [InlineData("""{"resourceType":"ServiceRequest","status":"active","intent":"order","colour":"blue","subject":{"reference":"#p"}}""", "colour")]
    [InlineData("this is not JSON", null)]
    [InlineData("[]", null)]
    [InlineData("42", null)]
    [InlineData("""{"status":"active"}""", null)]
    [InlineData("""{"resourceType":"Patient","birthDate":"1990-01-01"}""", null)]
    public async Task an_unreadable_body_is_a_400_operation_outcome_never_a_problem_details(string body, string? element)
    {
        var before = await app.EventCount();

        var (status, mediaType, outcome) = await PostRaw("/fhir/ServiceRequest", body);

        status.ShouldBe(HttpStatusCode.BadRequest);
        mediaType.ShouldBe("application/fhir+json");
        outcome.ShouldNotBeNull().Issue.ShouldNotBeEmpty();
        if (element is not null) outcome!.Issue.ShouldContain(i => i.Expression.Any(e => e!.Contains(element)));
        (await app.EventCount()).ShouldBe(before);
    }

    [Fact]
    public async Task a_bundle_of_another_type_or_an_unknown_route_is_an_operation_outcome()
    {
        var batch = BserExamples.Transaction(NewIdentifier());
        batch.Type = Bundle.BundleType.Collection;
        var refused = await Should.ThrowAsync<FhirOperationException>(() => Clinic.CreateAsync<Resource>(batch));
        refused.Status.ShouldBe(HttpStatusCode.BadRequest);
        refused.Outcome!.Issue.Single().Expression.ShouldBe(["Bundle"]);

        var unknown = await Should.ThrowAsync<FhirOperationException>(() => Clinic.ReadAsync<Patient>("Patient/123"));
        unknown.Status.ShouldBe(HttpStatusCode.NotFound);
        unknown.Outcome!.Issue.Single().Code.ShouldBe(OperationOutcome.IssueType.NotFound);
    }

    [Fact]
    public async Task a_body_in_another_format_is_a_415_operation_outcome()
    {
        var (status, _, outcome) = await PostRaw("/fhir/ServiceRequest", "<ServiceRequest xmlns=\"http://hl7.org/fhir\"/>", "application/fhir+xml");

        status.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        outcome!.Issue.Single().Code.ShouldBe(OperationOutcome.IssueType.NotSupported);
    }

    [Fact]
    public async Task a_form_sent_under_a_partners_key_is_refused_and_the_partners_referral_is_made_as_usual()
    {
        var identifier = NewIdentifier();
        var read = FhirIntake.Read(BserExamples.Referral(identifier), [], BserExamples.Clinic, out _)!;
        var (formStatus, _) = await app.Host.Post("/api/intake", read.Intake,
            headers: new Dictionary<string, string> { ["Idempotency-Key"] = read.IdempotencyKey });
        formStatus.ShouldBe(HttpStatusCode.BadRequest);

        var clinic = Clinic;
        var (task, _) = await Send(BserExamples.Referral(identifier), clinic);

        clinic.LastResult!.Status.ShouldBe("201");
        task.Identifier.Single().Value.ShouldBe(identifier);
    }

    [Fact]
    public async Task an_urgent_referral_with_a_positive_safety_answer_is_flagged_and_its_risk_check_scheduled()
    {
        var (task, id) = await Send(BserExamples.Referral(NewIdentifier(), priority: RequestPriority.Urgent, safetyAnswer: "LA6570-1"));

        task.Priority.ShouldBe(RequestPriority.Urgent);
        var events = (await app.Store.EventsOf(id)).Select(e => e.Data).ToList();
        events.OfType<RiskFlagged>().Single().Answer.ShouldBe(SelfHarmAnswer.MoreThanHalfTheDays);
        events.OfType<PartnerReferralReceived>().Single().UrgentRequested.ShouldBeTrue();
        (await app.Host.Stored<CheckRiskAcknowledgement>()).Count(c => c.ReferralId == id).ShouldBe(1);
        await using var session = app.Store.QuerySession();
        (await session.LoadAsync<Referral>(id))!.Urgent.ShouldBeTrue();
    }

    [Fact]
    public async Task an_urgent_request_goes_on_the_urgent_track_and_only_the_safety_answer_flags_a_risk()
    {
        var (_, id) = await Send(BserExamples.Referral(NewIdentifier(), priority: RequestPriority.Asap, safetyAnswer: "LA6568-5"));

        (await app.Store.EventsOf(id)).Select(e => e.Data).OfType<RiskFlagged>().ShouldBeEmpty();
        (await app.Host.Stored<CheckRiskAcknowledgement>()).ShouldNotContain(c => c.ReferralId == id);
        var (status, queue) = await app.Host.Get("/api/referrals?urgent=true&pageSize=100", Tokens.Coordinator);
        status.ShouldBe(HttpStatusCode.OK, queue?.ToJsonString());
        queue!["items"]!.AsArray().ShouldContain(i => i!["referralId"]!.GetValue<Guid>() == id);
    }

    [Fact]
    public async Task another_organizations_referral_is_not_found_and_every_read_is_an_access_entry()
    {
        var (task, id) = await Send(BserExamples.Referral(NewIdentifier()));
        var other = Client(Tokens.Referrer(BserExamples.OtherClinic));

        var taskRead = await Should.ThrowAsync<FhirOperationException>(() => other.ReadAsync<FhirTask>($"Task/{task.Id}"));
        taskRead.Status.ShouldBe(HttpStatusCode.NotFound);
        taskRead.Outcome!.Issue.Single().Code.ShouldBe(OperationOutcome.IssueType.NotFound);
        (await Should.ThrowAsync<FhirOperationException>(() => other.ReadAsync<ServiceRequest>($"ServiceRequest/{task.Id}")))
            .Status.ShouldBe(HttpStatusCode.NotFound);
        var theirSearch = await other.SearchAsync<FhirTask>([$"based-on=ServiceRequest/{task.Id}"]);
        theirSearch!.Entry.ShouldBeEmpty();

        var ownSearch = await Clinic.SearchAsync<FhirTask>([$"based-on=ServiceRequest/{task.Id}"]);
        ownSearch!.Type.ShouldBe(Bundle.BundleType.Searchset);
        ((FhirTask)ownSearch.Entry.Single().Resource!).Id.ShouldBe(task.Id);
        await Clinic.ReadAsync<FhirTask>($"Task/{task.Id}");
        await Clinic.ReadAsync<ServiceRequest>($"ServiceRequest/{task.Id}");

        await using var session = app.Store.QuerySession();
        var accesses = await session.Events.QueryRawEventDataOnly<PersonalDataAccessed>().Where(a => a.ReferralId == id).ToListAsync();
        accesses.Select(a => a.Resource).ShouldBe([FhirEndpoints.TaskRead, FhirEndpoints.TaskRead, FhirEndpoints.ServiceRequestRead], ignoreOrder: true);
    }

    [Fact]
    public async Task the_fhir_routes_are_for_referrers_alone_and_a_referrer_reaches_nothing_else()
    {
        var (task, id) = await Send(BserExamples.Referral(NewIdentifier()));

        using var anonymous = app.Host.Server.CreateClient();
        var answer = await anonymous.GetAsync($"/fhir/Task/{task.Id}");
        answer.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, await answer.Content.ReadAsStringAsync());
        (await Should.ThrowAsync<FhirOperationException>(() => Client(null).ReadAsync<FhirTask>($"Task/{task.Id}")))
            .Status.ShouldBe(HttpStatusCode.Unauthorized);
        var coordinator = await Should.ThrowAsync<FhirOperationException>(() => Client(Tokens.Coordinator).ReadAsync<FhirTask>($"Task/{task.Id}"));
        coordinator.Status.ShouldBe(HttpStatusCode.Forbidden);
        coordinator.Outcome!.Issue.Single().Code.ShouldBe(OperationOutcome.IssueType.Forbidden);
        // A referrer's token without its organization is refused too.
        (await Should.ThrowAsync<FhirOperationException>(() =>
                Client(Tokens.For(Service.Infrastructure.Roles.Referrer, "no-org")).ReadAsync<FhirTask>($"Task/{task.Id}")))
            .Status.ShouldBe(HttpStatusCode.Forbidden);

        var (status, _) = await app.Host.Get($"/api/referrals/{id}", Tokens.Referrer(BserExamples.Clinic));
        status.ShouldBe(HttpStatusCode.Forbidden);

        var capabilities = await Client(null).CapabilityStatementAsync();
        capabilities!.FhirVersion.ShouldBe(FHIRVersion.N4_0_1);
        capabilities.Rest.Single().Resource.Select(r => r.Type).ShouldBe(["ServiceRequest", "Task", "Bundle", "Subscription"]);
        capabilities!.Rest.Single().Security!.Service.Single().Coding.Single().Code.ShouldBe("OAuth");
    }

    [Fact]
    public async Task the_task_follows_the_referral_from_requested_to_completed()
    {
        var client = Clinic;
        var (task, id) = await Send(BserExamples.Referral(NewIdentifier()), client);
        async Task<FhirTask> Read() => (await client.ReadAsync<FhirTask>($"Task/{task.Id}"))!;
        var referral = Task.FromResult(new ScenarioReferral(app.Host, id, 3, "awaitingTriage"));

        (await Read()).Status.ShouldBe(FhirTask.TaskStatus.Requested);
        referral = Task.FromResult(await referral.Triaged());
        (await Read()).Status.ShouldBe(FhirTask.TaskStatus.Accepted);
        referral = Task.FromResult(await referral.Proposed());
        (await Read()).Status.ShouldBe(FhirTask.TaskStatus.InProgress);
        referral = Task.FromResult(await referral.Accepted());
        referral = Task.FromResult(await referral.Booked(app.Host.Now().AddMinutes(30)));
        var booked = await Read();
        booked.Status.ShouldBe(FhirTask.TaskStatus.InProgress);
        booked.BusinessStatus!.Coding.Single().Code.ShouldBe("booked");

        app.Clock.Advance(TimeSpan.FromMinutes(45));
        var (attended, body) = await (await referral).Command("first-session/outcome", new { outcome = "attended" });
        attended.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());

        var completed = await Read();
        completed.Status.ShouldBe(FhirTask.TaskStatus.Completed);
        completed.StatusReason!.Coding.Single().Code.ShouldBe("engaged");
        (await client.ReadAsync<ServiceRequest>($"ServiceRequest/{task.Id}"))!.Status.ShouldBe(RequestStatus.Completed);
    }

    [Theory]
    [InlineData("ineligible", FhirTask.TaskStatus.Rejected)]
    [InlineData("referredOut", FhirTask.TaskStatus.Rejected)]
    [InlineData("withdrawn", FhirTask.TaskStatus.Cancelled)]
    [InlineData("unreachable", FhirTask.TaskStatus.Cancelled)]
    public async Task a_closed_referral_is_rejected_or_cancelled_with_the_reason(string outcome, FhirTask.TaskStatus status)
    {
        var (task, id) = await Send(BserExamples.Referral(NewIdentifier()));

        var (closed, body) = await new ScenarioReferral(app.Host, id, 3, "awaitingTriage").Command("close", new { outcome });
        closed.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());

        var read = (await Clinic.ReadAsync<FhirTask>($"Task/{task.Id}"))!;
        read.Status.ShouldBe(status);
        read.StatusReason!.Coding.Single().Code.ShouldBe(outcome);
        (await Clinic.ReadAsync<ServiceRequest>($"ServiceRequest/{task.Id}"))!.Status.ShouldBe(RequestStatus.Revoked);
    }
}
