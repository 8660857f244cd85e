using System;
using EmbeddedReco.Diagnostics;
using System.Collections.Generic;
using EmbeddedReco.Common;

namespace EmbeddedReco;

/// <summary>
/// An A/B experiment: a name and two or more variants with traffic shares. The first variant is the control. Players are
/// assigned deterministically: the same player always lands in the same variant of the same experiment, on every machine and
/// after every restart, without storing anything (see <see cref="Bucket(string, string)"/> for the exact hash). Immutable.
/// </summary>
public sealed class Experiment
{
    private readonly ExperimentVariant[] _variants;
    private readonly double[] _cumulative;

    /// <summary>Creates an experiment.</summary>
    /// <param name="name">The experiment's name (non-empty, well-formed UTF-16). It is part of the assignment hash: renaming an experiment
    /// reshuffles its players, and two experiments with different names assign independently.</param>
    /// <param name="variants">At least two variants with distinct names; the first is the control. The list is copied.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="variants"/> (or one of its entries) is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or ill-formed (an unpaired UTF-16 surrogate), there are
    /// fewer than two variants, or two variants share a name.</exception>
    public Experiment(string name, IEnumerable<ExperimentVariant> variants)
    {
        if (name is null)
        {
            throw new ArgumentNullException(nameof(name), "The experiment name must not be null.");
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("The experiment name must not be empty or white space.", nameof(name));
        }

        if (Guard.Inspect(name, int.MaxValue, out int position) == TextProblem.UnpairedSurrogate)
        {
            throw new ArgumentException(Guard.Describe(TextProblem.UnpairedSurrogate, "The experiment name", name, 0, position, string.Empty), nameof(name));
        }

        if (variants is null)
        {
            throw new ArgumentNullException(nameof(variants), "The variant list must not be null.");
        }

        var list = new List<ExperimentVariant>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var variant in variants)
        {
            if (variant is null)
            {
                throw new ArgumentNullException(nameof(variants), $"Variant {list.Count} of experiment '{name}' is null.");
            }

            if (!names.Add(variant.Name))
            {
                throw new ArgumentException($"Experiment '{name}' has two variants named '{variant.Name}'.", nameof(variants));
            }

            list.Add(variant);
        }

        if (list.Count < 2)
        {
            throw new ArgumentException($"Experiment '{name}' needs at least two variants (a control and a treatment); it has {list.Count}.", nameof(variants));
        }

        Name = name;
        _variants = list.ToArray();
        _cumulative = new double[_variants.Length];
        double total = 0;
        foreach (var v in _variants)
        {
            total += v.Share;
        }

        double running = 0;
        for (int i = 0; i < _variants.Length; i++)
        {
            running += _variants[i].Share;
            _cumulative[i] = running / total;
        }

        _cumulative[_cumulative.Length - 1] = 1.0; // no gap at the top from rounding
    }

    /// <summary>The experiment's name.</summary>
    public string Name { get; }

    /// <summary>The variants in the order given; index 0 is the control.</summary>
    public IReadOnlyList<ExperimentVariant> Variants => _variants;

    /// <summary>The control variant (the first one).</summary>
    public ExperimentVariant Control => _variants[0];

    /// <summary>The fraction of players (0..1) the variant at <paramref name="index"/> receives: its share divided by the sum of shares.</summary>
    /// <param name="index">The variant's index.</param>
    /// <returns>The normalized share.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not a variant index.</exception>
    public double NormalizedShare(int index)
    {
        if ((uint)index >= (uint)_variants.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Experiment '{Name}' has {_variants.Length} variants.");
        }

        return index == 0 ? _cumulative[0] : _cumulative[index] - _cumulative[index - 1];
    }

    /// <summary>The variant a player is in. Deterministic; allocation-free for ids up to a few hundred characters.</summary>
    /// <param name="userId">The player's id (non-empty).</param>
    /// <returns>The player's variant.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="userId"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="userId"/> is empty.</exception>
    public ExperimentVariant Assign(string userId) => _variants[AssignIndex(userId)];

    /// <summary>The index of the variant a player is in (0 = control): the first variant whose cumulative normalized share exceeds
    /// <see cref="Bucket(string, string)"/>.</summary>
    /// <param name="userId">The player's id (non-empty).</param>
    /// <returns>The variant index.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="userId"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="userId"/> is empty.</exception>
    public int AssignIndex(string userId)
    {
        double u = Bucket(Name, userId);
        for (int i = 0; i < _cumulative.Length - 1; i++)
        {
            if (u < _cumulative[i])
            {
                return i;
            }
        }

        return _cumulative.Length - 1;
    }

    /// <summary>
    /// The player's position in [0, 1) for an experiment, the basis of assignment. Defined exactly, so any platform or language
    /// can reproduce it: take the UTF-8 bytes of <c>experimentName + "\n" + userId</c>; hash them with 64-bit FNV-1a (offset basis
    /// 0xcbf29ce484222325, prime 0x100000001b3); mix the result with the MurmurHash3 64-bit finalizer (x ^= x &gt;&gt; 33;
    /// x *= 0xff51afd7ed558ccd; x ^= x &gt;&gt; 33; x *= 0xc4ceb9fe1a85ec53; x ^= x &gt;&gt; 33); keep the top 53 bits and divide by 2^53.
    /// </summary>
    /// <param name="experimentName">The experiment's name.</param>
    /// <param name="userId">The player's id (non-empty).</param>
    /// <returns>A number in [0, 1), uniform over players.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="experimentName"/> or <paramref name="userId"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="userId"/> is empty.</exception>
    public static double Bucket(string experimentName, string userId)
    {
        if (experimentName is null)
        {
            throw new ArgumentNullException(nameof(experimentName), "The experiment name must not be null.");
        }

        if (userId is null)
        {
            throw new ArgumentNullException(nameof(userId), "The user id must not be null.");
        }

        if (userId.Length == 0)
        {
            throw new ArgumentException("The user id must not be empty.", nameof(userId));
        }

        ulong h = StableHash.Fnv1a64Utf8(experimentName, userId);
        return StableHash.ToUnitInterval(StableHash.Mix(h));
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({_variants.Length} variants, control '{Control.Name}')";
}
