using System.Security.Claims;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Matching.Tests.Clinicians.SelfService;

/// <summary>Who may change a clinician's availability, capacity and pause: an admin, or that clinician.</summary>
public class OwnClinicianRecordTests
{
    private static readonly Guid Mine = Guid.NewGuid();

    private static ClaimsPrincipal User(string role, Guid? clinicianId = null) =>
        new(new ClaimsIdentity(
            new[] { new Claim("sub", "someone"), new Claim("role", role) }
                .Concat(clinicianId is { } id ? [new Claim(Policies.ClinicianIdClaim, id.ToString())] : []),
            "test", "name", "role"));

    private static HttpContext Route(object clinicianId)
    {
        var context = new DefaultHttpContext();
        context.Request.RouteValues["clinicianId"] = clinicianId.ToString();
        return context;
    }

    [Fact]
    public void a_clinician_may_change_their_own_record() =>
        Auth.MayChangeClinician(User(Roles.Clinician, Mine), Route(Mine)).ShouldBeTrue();

    [Fact]
    public void a_clinician_may_not_change_anothers() =>
        Auth.MayChangeClinician(User(Roles.Clinician, Mine), Route(Guid.NewGuid())).ShouldBeFalse();

    [Fact]
    public void a_clinician_without_a_clinician_id_or_a_route_id_may_not() =>
        (Auth.MayChangeClinician(User(Roles.Clinician), Route(Mine)), Auth.MayChangeClinician(User(Roles.Clinician, Mine), Route("not-an-id")),
            Auth.MayChangeClinician(User(Roles.Clinician, Mine), null))
        .ShouldBe((false, false, false));

    [Fact]
    public void an_admin_may_change_anyones() =>
        Auth.MayChangeClinician(User(Roles.Admin), Route(Guid.NewGuid())).ShouldBeTrue();

    [Theory]
    [InlineData(Roles.Coordinator)]
    [InlineData(Roles.Compliance)]
    [InlineData(Roles.Analyst)]
    public void other_roles_may_not_even_with_a_matching_claim(string role) =>
        Auth.MayChangeClinician(User(role, Mine), Route(Mine)).ShouldBeFalse();
}
