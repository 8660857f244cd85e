using System;
using EmbeddedReco.Diagnostics;

namespace EmbeddedReco;

/// <summary>One arm of an <see cref="Experiment"/>: a name, a traffic share and the settings its players get.</summary>
public sealed class ExperimentVariant
{
    /// <summary>Creates a variant.</summary>
    /// <param name="name">The variant's name (non-empty, well-formed UTF-16; unique within its experiment, compared ordinally;
    /// at most <see cref="RecoEngineOptions.MaxIdBytes"/> UTF-8 bytes, checked by <see cref="RecoEngine.Open"/>: engagement is
    /// stored keyed by it). Suggestions and engagement reports are tagged with it.</param>
    /// <param name="share">The variant's relative traffic share: a finite number above zero. Shares are normalized by their sum,
    /// so 1:1:2 means 25%, 25%, 50%.</param>
    /// <param name="settings">What the variant changes; null (the default) means <see cref="VariantSettings.Default"/> (nothing).</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, white space or ill-formed (an unpaired UTF-16 surrogate).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="share"/> is zero, negative or not finite.</exception>
    public ExperimentVariant(string name, double share, VariantSettings? settings = null)
    {
        if (name is null)
        {
            throw new ArgumentNullException(nameof(name), "The variant name must not be null.");
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("The variant name must not be empty or white space.", nameof(name));
        }

        if (Guard.Inspect(name, int.MaxValue, out int position) == TextProblem.UnpairedSurrogate)
        {
            throw new ArgumentException(Guard.Describe(TextProblem.UnpairedSurrogate, "The variant name", name, 0, position, string.Empty), nameof(name));
        }

        if (!(share > 0) || double.IsInfinity(share))
        {
            throw new ArgumentOutOfRangeException(nameof(share), share, $"The traffic share of variant '{name}' must be a finite number above zero.");
        }

        Name = name;
        Share = share;
        Settings = settings ?? VariantSettings.Default;
    }

    /// <summary>The variant's name.</summary>
    public string Name { get; }

    /// <summary>The relative traffic share as given (see <see cref="Experiment.NormalizedShare(int)"/> for the fraction).</summary>
    public double Share { get; }

    /// <summary>The settings the variant's players get.</summary>
    public VariantSettings Settings { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name} (share {Share}): {Settings}";
}
