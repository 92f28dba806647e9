using System.Net;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Hl7.Fhir.Serialization;
using Matching.Service.Fhir;
using Matching.Tests.Support;
using FhirTask = Hl7.Fhir.Model.Task;
using Task = System.Threading.Tasks.Task;

namespace Matching.Tests.Fhir;

/// <summary>
/// The service with a partner's rest-hook endpoint on loopback (allowed by <c>Fhir:AllowInsecureSubscriptionEndpoints</c>)
/// and retries a tenth of a second apart, so a failing endpoint is given up on within seconds.
/// </summary>
public sealed class FhirSubscriptionFixture : AppFixture
{
    public PartnerEndpoint Partner { get; private set; } = null!;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Fhir:AllowInsecureSubscriptionEndpoints"] = "true",
        ["Fhir:SubscriptionRetryDelays"] = "00:00:00.1,00:00:00.1",
        ["Fhir:SubscriptionTimeout"] = "00:00:05"
    };

    protected override async Task StartDependenciesAsync() => Partner = await PartnerEndpoint.StartAsync();

    protected override ValueTask StopDependenciesAsync() => Partner.DisposeAsync();
}

/// <summary>A partner's system subscribing to its Tasks (R4 Subscription, rest-hook) and being notified when one changes status.</summary>
public class FhirSubscriptionTests(FhirSubscriptionFixture app) : IClassFixture<FhirSubscriptionFixture>
{
    /// <summary>Long enough for a second, unwanted notification queued with the first to have arrived.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    private FhirClient Client(string organization) => FhirClients.For(app.Host, Tokens.Referrer(organization));

    private static string NewOrganization() => $"org-{Guid.NewGuid():N}";

    private static Subscription Subscription(string endpoint, string criteria = "Task", string? payload = FhirEndpoints.ContentType,
        params string[] headers) => new()
    {
        Status = Hl7.Fhir.Model.Subscription.SubscriptionStatus.Requested,
        Reason = "Follow our referrals",
        Criteria = criteria,
        Channel = new Subscription.ChannelComponent
        {
            Type = Hl7.Fhir.Model.Subscription.SubscriptionChannelType.RestHook, Endpoint = endpoint, Payload = payload, Header = headers
        }
    };

    private async Task<Subscription> Subscribe(FhirClient client, Subscription subscription)
    {
        var created = (await client.CreateAsync(subscription))!;
        client.LastResult!.Status.ShouldBe("201");
        client.LastResult.Location.ShouldBe($"/fhir/Subscription/{created.Id}");
        created.Status.ShouldBe(Hl7.Fhir.Model.Subscription.SubscriptionStatus.Active);
        return created;
    }

    private async Task<Guid> Refer(FhirClient client)
    {
        var task = (FhirTask)(await client.CreateAsync<Resource>(BserExamples.Referral($"REF-{Guid.NewGuid():N}")))!;
        return Guid.Parse(task.Id!);
    }

    private Task Triage(Guid referralId) => Task.FromResult(new ScenarioReferral(app.Host, referralId, 3, "awaitingTriage")).Triaged();

    [Fact]
    public async Task a_status_change_is_posted_once_with_the_task_and_the_header_to_the_organizations_subscriptions_only()
    {
        var organization = NewOrganization();
        var client = Client(organization);
        var (withTask, empty, deleted, theirs) = (app.Partner.NewHook(), app.Partner.NewHook(), app.Partner.NewHook(), app.Partner.NewHook());
        await Subscribe(client, Subscription(withTask, headers: "Authorization: Bearer partner-secret"));
        var gone = await Subscribe(client, Subscription(deleted));
        await client.DeleteAsync($"Subscription/{gone.Id}");
        client.LastResult!.Status.ShouldBe("204");
        await Subscribe(Client(NewOrganization()), Subscription(theirs));
        var referralId = await Refer(client);
        // Only this Task, and an empty notification.
        await Subscribe(client, Subscription(empty, $"Task?based-on=ServiceRequest/{referralId}", payload: null));

        await Triage(referralId);

        var notification = (await app.Partner.WaitForAsync(withTask)).Single();
        await app.Partner.WaitForAsync(empty);
        await Task.Delay(Settle);
        app.Partner.To(withTask).Count.ShouldBe(1);
        notification.Headers["Authorization"].ShouldBe("Bearer partner-secret");
        notification.ContentType.ShouldNotBeNull().ShouldStartWith(FhirEndpoints.ContentType);
        var task = new FhirJsonDeserializer().Deserialize<FhirTask>(notification.Body);
        task.Id.ShouldBe(referralId.ToString());
        task.Status.ShouldBe(FhirTask.TaskStatus.Accepted);
        task.BusinessStatus!.Coding.Single().Code.ShouldBe("awaitingMatch");

        var bare = app.Partner.To(empty).ShouldHaveSingleItem();
        bare.Body.ShouldBeEmpty();
        bare.Headers.ShouldNotContainKey("Authorization");
        app.Partner.To(deleted).ShouldBeEmpty();
        app.Partner.To(theirs).ShouldBeEmpty();
    }

    [Fact]
    public async Task an_endpoint_answering_500_is_tried_again_and_takes_the_notification_once()
    {
        var client = Client(NewOrganization());
        var hook = app.Partner.NewHook();
        app.Partner.FailNext(hook, 1);
        await Subscribe(client, Subscription(hook));
        var referralId = await Refer(client);

        await Triage(referralId);

        await app.Partner.WaitForAsync(hook, 2);
        await Task.Delay(Settle);
        app.Partner.To(hook).Select(n => n.Answered).ShouldBe([500, 200]);
    }

    [Fact]
    public async Task an_endpoint_failing_every_retry_puts_the_subscription_in_error_until_it_is_updated()
    {
        var client = Client(NewOrganization());
        var hook = app.Partner.NewHook();
        app.Partner.FailNext(hook, int.MaxValue);
        var subscription = await Subscribe(client, Subscription(hook));
        var referralId = await Refer(client);

        await Triage(referralId);

        // The first try and the two retries the settings allow.
        await app.Partner.WaitForAsync(hook, 3);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var read = (await client.ReadAsync<Subscription>($"Subscription/{subscription.Id}"))!;
        while (read.Status != Hl7.Fhir.Model.Subscription.SubscriptionStatus.Error && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            read = (await client.ReadAsync<Subscription>($"Subscription/{subscription.Id}"))!;
        }
        read.Status.ShouldBe(Hl7.Fhir.Model.Subscription.SubscriptionStatus.Error);
        read.Error.ShouldNotBeNull().ShouldContain("500");
        app.Partner.To(hook).Count.ShouldBe(3);

        // Updated, it is active again.
        var again = Subscription(hook);
        again.Id = subscription.Id;
        var updated = (await client.UpdateAsync(again))!;
        updated.Status.ShouldBe(Hl7.Fhir.Model.Subscription.SubscriptionStatus.Active);
        updated.Error.ShouldBeNull();
    }

    [Theory]
    [InlineData("Patient", "ftp://partner.example/hooks", null, "Subscription.criteria")]
    [InlineData("Task?_lastUpdated=gt2026-12-01", "https://partner.example/hooks", null, "Subscription.criteria")]
    [InlineData("Task", "ftp://partner.example/hooks", null, "Subscription.channel.endpoint")]
    [InlineData("Task", "http://partner.example/hooks", null, "Subscription.channel.endpoint")]
    [InlineData("Task", "hooks", null, "Subscription.channel.endpoint")]
    [InlineData("Task", "https://partner.example/hooks", "application/xml", "Subscription.channel.payload")]
    public async Task an_unsupported_subscription_is_a_422_operation_outcome_naming_the_element(
        string criteria, string endpoint, string? payload, string element)
    {
        var refused = await Should.ThrowAsync<FhirOperationException>(() =>
            Client(NewOrganization()).CreateAsync(Subscription(endpoint, criteria, payload ?? FhirEndpoints.ContentType)));

        refused.Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var issue = refused.Outcome.ShouldNotBeNull().Issue.Single();
        issue.Severity.ShouldBe(OperationOutcome.IssueSeverity.Error);
        issue.Expression.ShouldBe([element]);
        issue.Diagnostics.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task a_header_that_is_not_one_or_another_channel_is_refused_without_quoting_it()
    {
        var client = Client(NewOrganization());
        var header = await Should.ThrowAsync<FhirOperationException>(() =>
            client.CreateAsync(Subscription("https://partner.example/hooks", headers: ["Authorization: Bearer ok", "no colon secret"])));
        header.Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        header.Outcome!.Issue.Single().Expression.ShouldBe(["Subscription.channel.header[1]"]);
        header.Outcome.Issue.Single().Diagnostics.ShouldNotBeNull().ShouldNotContain("secret");

        var websocket = Subscription("https://partner.example/hooks");
        websocket.Channel.Type = Hl7.Fhir.Model.Subscription.SubscriptionChannelType.Websocket;
        var channel = await Should.ThrowAsync<FhirOperationException>(() => client.CreateAsync(websocket));
        channel.Outcome!.Issue.Single().Expression.ShouldBe(["Subscription.channel.type"]);
    }

    [Fact]
    public async Task another_organizations_subscription_is_not_found_nor_listed_and_headers_are_never_shown()
    {
        var ours = Client(NewOrganization());
        var theirs = Client(NewOrganization());
        var subscription = await Subscribe(ours, Subscription("https://partner.example/hooks", headers: "Authorization: Bearer partner-secret"));

        (await Should.ThrowAsync<FhirOperationException>(() => theirs.ReadAsync<Subscription>($"Subscription/{subscription.Id}")))
            .Status.ShouldBe(HttpStatusCode.NotFound);
        (await Should.ThrowAsync<FhirOperationException>(() => theirs.DeleteAsync($"Subscription/{subscription.Id}")))
            .Status.ShouldBe(HttpStatusCode.NotFound);
        (await theirs.SearchAsync<Subscription>())!.Entry.ShouldBeEmpty();

        var read = (await ours.ReadAsync<Subscription>($"Subscription/{subscription.Id}"))!;
        read.Channel.Endpoint.ShouldBe("https://partner.example/hooks");
        read.Channel.Header.ShouldBeEmpty();
        (await ours.SearchAsync<Subscription>())!.Entry.Select(e => e.Resource?.Id).ShouldBe([subscription.Id]);
        subscription.Channel.Header.ShouldBeEmpty();
    }
}
