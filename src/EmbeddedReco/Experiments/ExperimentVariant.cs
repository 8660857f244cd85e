using System;

namespace EmbeddedReco;

/// <summary>One arm of an <see cref="Experiment"/>: a name, a traffic share and the settings its players get.</summary>
public sealed class ExperimentVariant
{
    /// <summary>Creates a variant.</summary>
    /// <param name="name">The variant's name (non-empty; unique within its experiment, compared ordinally). Suggestions and
    /// engagement reports are tagged with it.</param>
    /// <param name="share">The variant's relative traffic share: a finite number above zero. Shares are normalized by their sum,
    /// so 1:1:2 means 25%, 25%, 50%.</param>
    /// <param name="settings">What the variant changes; null (the default) means <see cref="VariantSettings.Default"/> (nothing).</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
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
