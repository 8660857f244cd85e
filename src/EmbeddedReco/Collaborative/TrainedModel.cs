using EmbeddedReco.Catalog;

namespace EmbeddedReco.Collaborative;

/// <summary>
/// A trained collaborative model as the engine serves it: immutable, swapped in with one reference write. The mapping from catalog
/// rows to model items is computed once per catalog snapshot (on first use after a catalog change) and cached.
/// </summary>
internal sealed class TrainedModel
{
    private RowMap? _rowMap;

    public TrainedModel(CollaborativeModel model, TrainingResult result)
    {
        Model = model;
        Result = result;
    }

    public CollaborativeModel Model { get; }

    public TrainingResult Result { get; }

    /// <summary>catalog row -> model index (-1 when the item is not in the model), for this catalog snapshot.</summary>
    public int[] RowsToModel(CatalogSnapshot catalog)
    {
        var map = System.Threading.Volatile.Read(ref _rowMap);
        if (map is null || !ReferenceEquals(map.Catalog, catalog))
        {
            map = new RowMap(catalog, Model.MapIds(catalog.Ids));
            System.Threading.Volatile.Write(ref _rowMap, map);
        }

        return map.Map;
    }

    private sealed class RowMap
    {
        public RowMap(CatalogSnapshot catalog, int[] map)
        {
            Catalog = catalog;
            Map = map;
        }

        public CatalogSnapshot Catalog { get; }

        public int[] Map { get; }
    }
}
