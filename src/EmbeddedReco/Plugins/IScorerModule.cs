using System;

namespace EmbeddedReco;

/// <summary>
/// A plugin entry point that registers one or more scorers with their own configuration (weights, files beside the plugin).
/// A plugin assembly may contain modules, or plain <see cref="IScorer"/> types with a public parameterless constructor
/// (registered with weight 1), or both. Modules also work when registered in code (Unity/IL2CPP): call <see cref="Register"/> yourself.
/// </summary>
public interface IScorerModule
{
    /// <summary>Registers the module's scorers.</summary>
    /// <param name="context">Where to register, and the plugin's folder for its configuration files.</param>
    void Register(ScorerModuleContext context);
}

/// <summary>What a <see cref="IScorerModule"/> receives: the folder it was loaded from and a way to add scorers.</summary>
public sealed class ScorerModuleContext
{
    private readonly ScorerCollection _scorers;

    /// <summary>Creates a context that adds to a scorer collection (for modules registered in code).</summary>
    /// <param name="scorers">The collection to add to, usually <see cref="RecoEngineOptions.Scorers"/>.</param>
    /// <param name="pluginDirectory">The folder holding the module's configuration files.</param>
    public ScorerModuleContext(ScorerCollection scorers, string pluginDirectory)
    {
        _scorers = scorers ?? throw new ArgumentNullException(nameof(scorers));
        PluginDirectory = pluginDirectory ?? throw new ArgumentNullException(nameof(pluginDirectory));
    }

    /// <summary>The folder of the plugin assembly (where its configuration files live).</summary>
    public string PluginDirectory { get; }

    /// <summary>Adds a scorer; see <see cref="ScorerCollection.Add"/>.</summary>
    /// <param name="scorer">The scorer.</param>
    /// <param name="weight">Its weight. Default 1.</param>
    /// <param name="normalization">Its normalization. Default <see cref="ScoreNormalization.MinMax"/>.</param>
    /// <param name="timeBudget">Its time budget. Default <see cref="ScorerCollection.DefaultTimeBudget"/>.</param>
    /// <returns>The registration.</returns>
    public ScorerRegistration Add(IScorer scorer, double weight = 1.0, ScoreNormalization normalization = ScoreNormalization.MinMax, TimeSpan? timeBudget = null) =>
        _scorers.Add(scorer, weight, normalization, timeBudget);
}
