namespace EmbeddedReco.Tests.Infrastructure;

/// <summary>
/// A fact that needs MovieLens latest-small beside the clone (&lt;root&gt;/../shared/data/ml-latest-small/ratings.csv, never
/// copied into the repository). When the data is absent the test is reported as skipped, with the reason, instead of passing
/// without having run.
/// </summary>
public sealed class MovieLensFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Unavailable = new(Probe);

    /// <summary>Sets <see cref="FactAttribute.Skip"/> at discovery when the data folder is missing.</summary>
    public MovieLensFactAttribute()
    {
        if (Unavailable.Value is { } reason)
        {
            Skip = reason;
        }
    }

    private static string? Probe()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EmbeddedReco.sln")))
        {
            dir = dir.Parent;
        }

        if (dir?.Parent is null)
        {
            return "needs ../shared/data/ml-latest-small beside the repository (EmbeddedReco.sln not found above the test assembly)";
        }

        string ratings = Path.Combine(dir.Parent.FullName, "shared", "data", "ml-latest-small", "ratings.csv");
        return File.Exists(ratings) ? null : $"needs MovieLens latest-small: {ratings} not found";
    }
}
