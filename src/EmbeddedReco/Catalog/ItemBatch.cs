using System;
using System.Collections.Generic;
using EmbeddedReco.Diagnostics;
using EmbeddedReco.Scoring;

namespace EmbeddedReco.Catalog;

/// <summary>Validates a batch of item definitions for an upsert and turns them into catalog rows (vectors normalized, tags copied).</summary>
internal static class ItemBatch
{
    /// <summary>
    /// Checks every item (id, vector length and values, unique ids within the batch, at most <see cref="ItemDefinition.MaxTags"/>
    /// well-formed tags within <paramref name="maxIdBytes"/>) and returns the rows to upsert; the first bad item throws and
    /// nothing is returned.
    /// </summary>
    /// <exception cref="ArgumentNullException">An item is null (the message gives its index) or an id is null.</exception>
    /// <exception cref="ArgumentException">A bad item; the message names it.</exception>
    public static List<(string Id, float[] Row, string[] Tags)> Validate(IEnumerable<ItemDefinition> items, int dims, int maxIdBytes)
    {
        var batch = new List<(string Id, float[] Row, string[] Tags)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int index = 0;
        foreach (var item in items)
        {
            if (item is null)
            {
                throw new ArgumentNullException(nameof(items), $"items[{index}] is null.");
            }

            Guard.Id(item.Id, nameof(items), maxIdBytes, "item");
            Guard.Vector(item.Features.Span, dims, nameof(items), $"item '{item.Id}'");
            if (!seen.Add(item.Id))
            {
                throw new ArgumentException($"Item id '{item.Id}' appears more than once in the batch.", nameof(items));
            }

            if (item.Tags.Count > ItemDefinition.MaxTags)
            {
                throw new ArgumentException(
                    $"Item '{item.Id}' has {item.Tags.Count} tags; the limit is {ItemDefinition.MaxTags} (ItemDefinition.MaxTags).", nameof(items));
            }

            var tags = new string[item.Tags.Count];
            for (int t = 0; t < tags.Length; t++)
            {
                string? tag = item.Tags[t];
                int position = -1;
                var problem = tag is null ? TextProblem.Empty : Guard.Inspect(tag, maxIdBytes, out position);
                if (problem == TextProblem.Empty)
                {
                    throw new ArgumentException($"Item '{item.Id}' has an empty or null tag at index {t}.", nameof(items));
                }

                if (problem != TextProblem.None)
                {
                    throw new ArgumentException(
                        Guard.Describe(problem, $"Tag {t} of item '{item.Id}'", tag!, maxIdBytes, position, "RecoEngineOptions.MaxIdBytes"),
                        nameof(items));
                }

                tags[t] = tag!;
            }

            var row = new float[dims];
            VectorKernels.NormalizeInto(item.Features.Span, row);
            batch.Add((item.Id, row, tags));
            index++;
        }

        return batch;
    }
}
