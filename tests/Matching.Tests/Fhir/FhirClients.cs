using System.Net.Http.Headers;
using Alba;
using Hl7.Fhir.Rest;

namespace Matching.Tests.Fhir;

/// <summary>Firely's FhirClient over the service's HTTP, sending a bearer token with every request.</summary>
public static class FhirClients
{
    public static FhirClient For(IAlbaHost host, string? token, ReturnPreference preference = ReturnPreference.Representation) =>
        new(new Uri("http://localhost/fhir"),
            new FhirClientSettings { PreferredFormat = ResourceFormat.Json, VerifyFhirVersion = false, ReturnPreference = preference },
            new Bearer(token, host.Server.CreateHandler()));

    private sealed class Bearer(string? token, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
