using Matching.DevHost;
using System.Net;
using Matching.Service.Infrastructure;
using Matching.Tests.Support;

namespace Matching.Tests.Api;

/// <summary>Every route answers 401 without a token and 403 to each role the contract doesn't give it.</summary>
public class AuthorizationTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task every_route_has_a_policy_from_the_contract_or_is_the_public_intake()
    {
        var routes = ApiRoute.All(app.Host);
        routes.ShouldContain(r => r.Pattern == "/api/intake");
        foreach (var route in routes)
        {
            // A client's link is its own credential: its routes take no token, and answer 404 to a wrong link.
            if (route.Anonymous && route.Pattern.StartsWith("/api/client/{token}")) continue;
            // The SMS provider's webhook is vouched for by the provider's signature instead.
            if (route.Anonymous && route.Pattern == "/api/sms/inbound") continue;
            if (route.Anonymous) route.Pattern.ShouldBe("/api/intake", $"{route} must not be anonymous");
            else RoleTokens.RolesByPolicy.ContainsKey(route.Policy ?? "").ShouldBeTrue($"{route} has no contract policy");
        }
    }

    [Fact]
    public async Task without_a_token_every_protected_route_answers_401()
    {
        var failures = new List<string>();
        foreach (var route in ApiRoute.All(app.Host).Where(r => !r.Anonymous))
        {
            var (status, _) = await app.Host.Send(new HttpMethod(route.Method), route.Url(Guid.NewGuid(), Guid.NewGuid()), Body(route));
            if (status != HttpStatusCode.Unauthorized) failures.Add($"{route}: {(int)status}");
        }
        failures.ShouldBeEmpty(string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task a_token_signed_with_another_key_is_refused()
    {
        var forged = DevTokens.Mint("another-signing-key-0123456789abcdef0123456789", "matching-dev", "matching",
            "mallory", null, [Roles.Admin], null, TimeSpan.FromHours(1));
        var (status, _) = await app.Host.Get("/api/referrals", forged);
        status.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task each_role_outside_a_routes_policy_gets_403()
    {
        var failures = new List<string>();
        foreach (var route in ApiRoute.All(app.Host).Where(r => !r.Anonymous))
        {
            foreach (var role in RoleTokens.Refused(route))
            {
                var (status, _) = await app.Host.Send(new HttpMethod(route.Method), route.Url(Guid.NewGuid(), Guid.NewGuid()),
                    Body(route), RoleTokens.Token(role));
                if (status != HttpStatusCode.Forbidden) failures.Add($"{route} as {role}: {(int)status}");
            }
        }
        failures.ShouldBeEmpty(string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task a_clinician_may_use_a_route_on_their_own_record_and_gets_403_on_anothers()
    {
        var routes = ApiRoute.All(app.Host).Where(r => r.Policy == Policies.OwnClinicianRecord).ToList();
        routes.ShouldNotBeEmpty();
        var failures = new List<string>();
        foreach (var route in routes)
        {
            var own = route.Url(Guid.NewGuid(), RoleTokens.ClinicianId);
            var (ownStatus, _) = await app.Host.Send(new HttpMethod(route.Method), own, Body(route), RoleTokens.Token(Roles.Clinician));
            if (ownStatus is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized) failures.Add($"{route} on their own id: {(int)ownStatus}");
            var (otherStatus, _) = await app.Host.Send(new HttpMethod(route.Method), route.Url(Guid.NewGuid(), Guid.NewGuid()), Body(route),
                RoleTokens.Token(Roles.Clinician));
            if (otherStatus != HttpStatusCode.Forbidden) failures.Add($"{route} on another's id: {(int)otherStatus}");
        }
        failures.ShouldBeEmpty(string.Join(Environment.NewLine, failures));
    }

    private static string? Body(ApiRoute route) => route.Method is "POST" or "PUT" ? "{}" : null;
}
