using System.Net;
using Matching.Service.Fhir;

namespace Matching.Tests.Fhir;

/// <summary>Where a subscription may send (docs/adr/0037-fhir-task-subscriptions.md, SSRF), without a database.</summary>
public class SubscriptionEndpointRulesTests
{
    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("2606:4700:4700::1111", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    public void delivery_connects_only_to_public_addresses(string address, bool allowed) =>
        TaskNotifier.IsPublic(IPAddress.Parse(address)).ShouldBe(allowed);

    [Theory]
    [InlineData("https://partner.example/hooks", false, true)]
    [InlineData("http://127.0.0.1:5000/hooks", true, true)]
    [InlineData("http://localhost:5000/hooks", true, true)]
    [InlineData("http://127.0.0.1:5000/hooks", false, false)]
    [InlineData("http://partner.example/hooks", true, false)]
    [InlineData("https://user:secret@partner.example/hooks", false, false)]
    [InlineData("ftp://partner.example/hooks", true, false)]
    [InlineData("/hooks", false, false)]
    public void an_endpoint_is_https_and_http_only_to_loopback_when_development_allows_it(string endpoint, bool allowInsecure, bool accepted) =>
        (TaskSubscriptionRequest.EndpointProblem(endpoint, allowInsecure) is null).ShouldBe(accepted);
}
