using System.Net.Http.Headers;
using System.Text.Json;
using Matching.Service.Infrastructure;

namespace Matching.LoadBench;

public static class Json
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions();
        ServiceSetup.Configure(options);
        return options;
    }

    public static ByteArrayContent Content(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
