using Matching.Service.Infrastructure;

if (args.FirstOrDefault() == "verify-audit") return Matching.Service.Audit.AuditVerifyCommand.Run(args[1..]);

var builder = WebApplication.CreateBuilder(args);
if (RequiredSettings.Missing(builder, args) is { Count: > 0 } missing) return RequiredSettings.Refuse(missing);
builder.AddMatchingService(args);
var app = builder.Build();
app.UseMatchingService();
return await app.RunMatchingAsync(args);

/// <summary>The web host's entry point, public so tests can host it.</summary>
public partial class Program;
