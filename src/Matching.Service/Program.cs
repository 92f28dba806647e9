using JasperFx;
using Matching.Service.Infrastructure;

if (args.FirstOrDefault() == "dev-token") return DevTokenCommand.Run(args[1..]);

var builder = WebApplication.CreateBuilder(args);
var connectionString = await DatabaseBootstrap.ResolveConnectionStringAsync(builder);
builder.AddMatchingService(connectionString);

var app = builder.Build();
app.UseMatchingService();

return await app.RunJasperFxCommands(args);

/// <summary>The web host's entry point, public so tests can host it.</summary>
public partial class Program;
