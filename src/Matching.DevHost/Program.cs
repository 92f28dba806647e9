using Matching.DevHost.Seeding;
using Matching.Service.Infrastructure;

namespace Matching.DevHost;

/// <summary>
/// The service for development: in Development only, on the configured database or a local PostgreSQL it starts
/// itself, with the demo data loaded into an empty database. Commands: `dev-token ...` prints a token,
/// `seed` loads the demo data and exits, `--no-demo-data` serves without loading it; anything else is the
/// service's own command line.
/// </summary>
public static class DevHostProgram
{
    public static async Task<int> Main(string[] args)
    {
        var environment = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? Environments.Development;
        if (environment != Environments.Development)
        {
            await Console.Error.WriteLineAsync($"The development host runs in Development only (ASPNETCORE_ENVIRONMENT is '{environment}'); " +
                                               "run the service itself (src/Matching.Service) anywhere else.");
            return 2;
        }

        var command = args.FirstOrDefault();
        if (command == "dev-token") return DevTokenCommand.Run(args[1..]);
        var seedOnly = command == "seed";
        var demoData = !args.Contains("--no-demo-data");
        var serviceArgs = seedOnly ? [] : args.Where(a => a != "--no-demo-data").ToArray();

        var builder = WebApplication.CreateBuilder(ServiceHost.Options(serviceArgs));
        await DatabaseBootstrap.ResolveConnectionStringAsync(builder);
        builder.AddMatchingService(serviceArgs);
        builder.Services.AddDemoData(seedOnStart: demoData && !seedOnly && serviceArgs.Length == 0);

        var app = builder.Build();
        app.UseMatchingService();
        if (seedOnly) return await SeedCommand.RunAsync(app);
        return await app.RunMatchingAsync(serviceArgs);
    }
}
