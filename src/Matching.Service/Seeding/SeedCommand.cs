using Marten;
using Matching.Service.Infrastructure;

namespace Matching.Service.Seeding;

/// <summary>`seed`: applies the schema, loads the demo data into an empty database, and exits.</summary>
public static class SeedCommand
{
    public static async Task<int> RunAsync(WebApplication app)
    {
        await using (app)
        {
            await SchemaOnStartup.ApplyAsync(app.Services.GetRequiredService<IDocumentStore>(), CancellationToken.None);
            var seeded = await app.Services.GetRequiredService<DemoData>().SeedAsync();
            Console.WriteLine(seeded ? "Demo data loaded." : "The database already holds clinicians; nothing loaded.");
        }
        return 0;
    }
}
