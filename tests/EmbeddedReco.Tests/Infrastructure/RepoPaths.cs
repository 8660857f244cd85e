namespace EmbeddedReco.Tests.Infrastructure;

/// <summary>Locates the repository root (the folder with EmbeddedReco.sln) from the test assembly's folder.</summary>
public static class RepoPaths
{
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EmbeddedReco.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("EmbeddedReco.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string Plugins => Path.Combine(Root, "artifacts", "plugins");

    public static string TestPlugin(string name) => Path.Combine(Root, "artifacts", "test-plugins", name);
}
