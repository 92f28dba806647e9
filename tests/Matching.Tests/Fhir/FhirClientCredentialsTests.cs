using System.Net;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Matching.Idp;
using Matching.Service.Infrastructure;
using Matching.Tests.Support;
using FhirTask = Hl7.Fhir.Model.Task;
using Task = System.Threading.Tasks.Task;

namespace Matching.Tests.Fhir;

/// <summary>Partner systems registered at the practice's provider, each with its organization on its tokens.</summary>
public sealed class ReferrerSystemsFixture : ProductionFixture
{
    public const string Riverside = "riverside-ehr";
    public const string Lakeside = "lakeside-ehr";
    public const string Unbound = "unbound-ehr";
    public const string Secret = "partner-secret";

    protected override List<ProviderClient> Clients =>
    [
        Staff.Client(),
        Referrer(Riverside, BserExamples.Clinic),
        Referrer(Lakeside, BserExamples.OtherClinic),
        // Registered with the role but no organization: the service can't tell whose referrals it may see.
        new(Unbound, Secret, [], [], AllowClientCredentials: true, Roles: [Roles.Referrer])
    ];

    private static ProviderClient Referrer(string clientId, string organization) =>
        new(clientId, Secret, [], [], AllowClientCredentials: true,
            Claims: new Dictionary<string, string> { ["referrer_org"] = organization }, Roles: [Roles.Referrer]);

    /// <summary>A client-credentials access token from the provider, as the partner's system gets one.</summary>
    public Task<string> SystemToken(string clientId) => Provider.ClientCredentialsTokenAsync(clientId, Secret);
}

/// <summary>The FHIR routes in Production: partner systems authenticate with OAuth2 client credentials at the provider.</summary>
public class FhirClientCredentialsTests(ReferrerSystemsFixture app) : IClassFixture<ReferrerSystemsFixture>
{
    private async Task<FhirClient> System(string clientId) => FhirClients.For(app.Host, await app.SystemToken(clientId));

    [Fact]
    public async Task a_partner_system_sends_a_referral_and_reads_its_task_with_a_client_credentials_token()
    {
        var riverside = await System(ReferrerSystemsFixture.Riverside);
        var identifier = $"REF-{Guid.NewGuid():N}";

        var task = (FhirTask)(await riverside.CreateAsync<Resource>(BserExamples.Referral(identifier)))!;

        riverside.LastResult!.Status.ShouldBe("201");
        (await riverside.ReadAsync<FhirTask>($"Task/{task.Id}"))!.Identifier.Single().Value.ShouldBe(identifier);

        // The coordinator sees which system sent it: the provider's client is the actor on the referral's events.
        var (status, timeline) = await app.Host.Get($"/api/referrals/{task.Id}/timeline", await app.TokenFor("cora"));
        status.ShouldBe(HttpStatusCode.OK);
        var received = timeline!["items"]!.AsArray().Single(i => i!["type"]!.GetValue<string>() == "PartnerReferralReceived")!;
        received["actor"]!["sub"]!.GetValue<string>().ShouldBe(ReferrerSystemsFixture.Riverside);
        received["actor"]!["role"]!.GetValue<string>().ShouldBe(Roles.Referrer);
    }

    [Fact]
    public async Task another_organizations_system_finds_no_such_task()
    {
        var task = (FhirTask)(await (await System(ReferrerSystemsFixture.Riverside))
            .CreateAsync<Resource>(BserExamples.Referral($"REF-{Guid.NewGuid():N}")))!;
        var lakeside = await System(ReferrerSystemsFixture.Lakeside);

        (await Should.ThrowAsync<FhirOperationException>(() => lakeside.ReadAsync<FhirTask>($"Task/{task.Id}")))
            .Status.ShouldBe(HttpStatusCode.NotFound);
        (await lakeside.SearchAsync<FhirTask>([$"based-on=ServiceRequest/{task.Id}"]))!.Entry.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_system_without_an_organization_and_staff_tokens_are_refused_with_an_operation_outcome()
    {
        foreach (var token in new[] { await app.SystemToken(ReferrerSystemsFixture.Unbound), await app.TokenFor("cora") })
        {
            var refused = await Should.ThrowAsync<FhirOperationException>(() =>
                FhirClients.For(app.Host, token).CreateAsync<Resource>(BserExamples.Referral($"REF-{Guid.NewGuid():N}")));
            refused.Status.ShouldBe(HttpStatusCode.Forbidden);
            refused.Outcome!.Issue.Single().Code.ShouldBe(OperationOutcome.IssueType.Forbidden);
        }

        // A partner's token opens the FHIR routes only.
        (await app.Host.Get("/api/referrals", await app.SystemToken(ReferrerSystemsFixture.Riverside))).Status.ShouldBe(HttpStatusCode.Forbidden);
    }
}
