using System.Reflection;
using Matching.Service.Infrastructure;

namespace Matching.DevHost;

/// <summary>Where the service's own files are when it is hosted from here.</summary>
public static class ServiceHost
{
    private static readonly Assembly Service = typeof(ServiceSetup).Assembly;

    /// <summary>
    /// The service's name (its Razor pages, user secrets and Wolverine code are found by it) and its project folder as
    /// the content root (its appsettings and wwwroot), found from the repository when run from source.
    /// </summary>
    public static WebApplicationOptions Options(string[] args) => new()
    {
        Args = args,
        EnvironmentName = Environments.Development,
        ApplicationName = Service.GetName().Name,
        ContentRootPath = ContentRoot()
    };

    public static string ContentRoot()
    {
        var root = RepositoryRoot();
        var project = root is null ? null : Path.Combine(root, "src", "Matching.Service");
        return project is not null && Directory.Exists(project) ? project : AppContext.BaseDirectory;
    }

    public static string? RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Matching.EventSourced.sln"))) return dir.FullName;
            }
        }
        return null;
    }
}
