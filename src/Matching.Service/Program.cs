using JasperFx;
using Matching.Service.Infrastructure;
using Matching.Service.Seeding;

var command = args.FirstOrDefault();
if (command == "dev-token") return DevTokenCommand.Run(args[1..]);
if (command == "verify-audit") return Matching.Service.Audit.AuditVerifyCommand.Run(args[1..]);

var builder = WebApplication.CreateBuilder(args);
// Code generation reads handler and endpoint signatures only, so it needs no database (and a
// Docker build stage has none).
var connectionString = command == "codegen"
    ? builder.Configuration.GetConnectionString("Marten") ?? "Host=localhost;Database=matching"
    : await DatabaseBootstrap.ResolveConnectionStringAsync(builder);
builder.AddMatchingService(connectionString);

var app = builder.Build();
app.UseMatchingService();

if (command == "seed") return await SeedCommand.RunAsync(app);

// Serving needs no command line: JasperFx's command discovery scans every Marten and Wolverine assembly for
// commands, about a second of a cold start (docs/benchmarks.md). Admin commands (codegen, projections, db-apply ...)
// still go through it.
if (args.Length == 0)
{
    await app.RunAsync();
    return 0;
}

return await app.RunJasperFxCommands(args);

/// <summary>The web host's entry point, public so tests can host it.</summary>
public partial class Program;
