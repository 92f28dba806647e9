using System.Net;
using System.Text.Json.Nodes;
using Alba;
using Matching.Service.Clinicians;
using Matching.Service.Clinicians.Onboarding;
using Matching.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Matching.Tests.Clinicians;

/// <summary>Clinician state for decision tests, built by folding events through the aggregate.</summary>
public static class ClinicianScenario
{
    public static Clinician Onboarded(OnboardClinician? body = null)
    {
        var onboarded = (ClinicianOnboarded)OnboardClinicianHandler.Decide(body ?? Samples.Clinician()).Single();
        return Clinician.Create(onboarded) with { Id = Guid.NewGuid(), Version = 1 };
    }

    public static Clinician Then(this Clinician clinician, params object[] events) =>
        events.Aggregate(clinician, (state, e) => (e switch
        {
            ClinicianProfileUpdated x => state.Apply(x),
            ClinicianCapacityChanged x => state.Apply(x),
            ClinicianAvailabilityChanged x => state.Apply(x),
            ClinicianPaused x => state.Apply(x),
            ClinicianResumed x => state.Apply(x),
            ClinicianOffboarded x => state.Apply(x),
            _ => throw new ArgumentException($"Not a clinician event: {e.GetType().Name}")
        }) with { Version = state.Version + 1 });

    public static Clinician Offboarded() => Onboarded().Then(new ClinicianOffboarded("Left the practice"));

    public static void ShouldPass(this ProblemDetails problem) =>
        problem.ShouldBeSameAs(WolverineContinue.NoProblems, $"{problem.Status} {problem.Detail} {Errors(problem)}");

    public static void ShouldBeInvalid(this ProblemDetails problem, string field)
    {
        problem.Status.ShouldBe(StatusCodes.Status400BadRequest);
        ((HttpValidationProblemDetails)problem).Errors.Keys.ShouldContain(field);
    }

    public static void ShouldBeConflict(this ProblemDetails problem, string code)
    {
        problem.Status.ShouldBe(StatusCodes.Status409Conflict);
        problem.Extensions["code"].ShouldBe(code);
    }

    private static string Errors(ProblemDetails problem) =>
        problem is HttpValidationProblemDetails v ? string.Join("; ", v.Errors.Select(e => $"{e.Key}: {string.Join(",", e.Value)}")) : "";
}

/// <summary>HTTP steps the clinician tests share.</summary>
public static class ClinicianHttp
{
    public static async Task<Guid> Onboard(this IAlbaHost host, OnboardClinician? body = null)
    {
        var (status, result) = await host.Post("/api/clinicians", body ?? Samples.Clinician(), Tokens.Admin);
        status.ShouldBe(HttpStatusCode.Created, result?.ToJsonString());
        return result!["clinicianId"]!.GetValue<Guid>();
    }

    public static async Task<JsonNode> Clinician(this IAlbaHost host, Guid clinicianId)
    {
        var (status, body) = await host.Get($"/api/clinicians/{clinicianId}", Tokens.Coordinator);
        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        return body!;
    }

    public static IReadOnlyList<string> Strings(this JsonNode? node) =>
        node!.AsArray().Select(n => n!.GetValue<string>()).ToList();

    public static IReadOnlyList<string> ErrorKeys(this JsonNode? problem) =>
        problem?["errors"]?.AsObject().Select(p => p.Key).ToList() ?? [];
}
