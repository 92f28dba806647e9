using Marten;
using Matching.Service.Infrastructure;

namespace Matching.DevHost.Seeding;

/// <summary>`seed`: applies the schema, loads the demo data into an empty database, and exits.</summary>
public static class SeedCommand
{
    public static async Task<int> RunAsync(WebApplication app)
    {
        await using (app)
        {
            await SchemaOnStartup.ApplyAsync(app.Services.GetRequiredService<IDocumentStore>(), CancellationToken.None);
            // The demo's timers are Wolverine messages: run the host (on a throwaway loopback port) while seeding.
            app.Urls.Clear();
            app.Urls.Add("http://127.0.0.1:0");
            await app.StartAsync();
            var seeded = await app.Services.GetRequiredService<DemoData>().SeedAsync();
            Console.WriteLine(seeded ? "Demo data loaded." : "The database already holds clinicians; nothing loaded.");
            await app.StopAsync();
        }
        return 0;
    }
}
