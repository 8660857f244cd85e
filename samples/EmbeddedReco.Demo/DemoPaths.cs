namespace EmbeddedReco.Demo;

internal static class DemoPaths
{
    /// <summary>The per-user data folder of the demo: LocalApplicationData/EmbeddedReco (e.g. ~/.local/share/EmbeddedReco).</summary>
    public static string DataFolder
    {
        get
        {
            string root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create);
            if (string.IsNullOrEmpty(root))
            {
                root = Path.GetTempPath();
            }

            string folder = Path.Combine(root, "EmbeddedReco");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    /// <summary>artifacts/plugins of the repository this demo was built from, or null.</summary>
    public static string? RepoPluginFolder
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EmbeddedReco.sln")))
            {
                dir = dir.Parent;
            }

            string? folder = dir is null ? null : Path.Combine(dir.FullName, "artifacts", "plugins");
            return folder is not null && Directory.Exists(folder) ? folder : null;
        }
    }

    public static string DefaultDatabase => Path.Combine(DataFolder, "demo.db");

    public static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    public static bool Flag(string[] args, string name) => Array.IndexOf(args, name) >= 0;

    public static void DeleteDatabase(string path)
    {
        foreach (string f in new[] { path, path + ".lock", Path.ChangeExtension(path, null) + "-log" + Path.GetExtension(path) })
        {
            if (File.Exists(f))
            {
                File.Delete(f);
            }
        }
    }
}
