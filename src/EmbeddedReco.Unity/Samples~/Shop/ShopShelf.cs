using System;
using System.Collections.Generic;
using EmbeddedReco;
using EmbeddedReco.Unity;
using UnityEngine;

namespace EmbeddedReco.Samples.Shop
{
    /// <summary>
    /// A shop shelf: fills its slots with <see cref="RecoEngine.Suggest(string, Span{Suggestion}, SuggestOptions)"/> when it opens,
    /// records impressions (by Suggest), clicks and purchases, keeps its database under Application.persistentDataPath and flushes
    /// when the application pauses or quits. Wire <see cref="OnSlotClicked"/> and <see cref="OnSlotPurchased"/> to your UI buttons.
    /// </summary>
    public sealed class ShopShelf : MonoBehaviour
    {
        [Serializable]
        public sealed class ShopItem
        {
            public string id = "sword";
            public string[] tags = { "weapon" };
            [Tooltip("The item's feature vector; every item needs the same length (the shelf's Dimensions).")]
            public float[] features = { 1, 0, 0, 0 };
        }

        [Tooltip("The player this shelf is for (your account or save-slot id).")]
        public string playerId = "local-player";

        [Tooltip("The database file under Application.persistentDataPath.")]
        public string databaseFile = "shop-reco.db";

        public int dimensions = 4;

        public ShopItem[] catalog = Array.Empty<ShopItem>();

        [Tooltip("How many slots the shelf shows.")]
        public int slots = 4;

        private static RecoEngine _engine; // one engine per file for the whole session, shared by every shelf
        private Suggestion[] _shown;
        private int _count;

        /// <summary>The items on the shelf now, best first (valid after OnEnable).</summary>
        public IReadOnlyList<Suggestion> Shown => new ArraySegment<Suggestion>(_shown ?? Array.Empty<Suggestion>(), 0, _count);

        private void Awake()
        {
            if (_engine == null)
            {
                _engine = RecoEngineUnity.Open(databaseFile, dimensions);
                var items = new List<ItemDefinition>(catalog.Length);
                foreach (var item in catalog)
                {
                    items.Add(new ItemDefinition(item.id, item.features, item.tags));
                }

                _engine.UpsertItems(items); // the catalog as this build ships it; re-upserting the same items each start is fine
            }

            _shown = new Suggestion[Mathf.Max(1, slots)];
        }

        /// <summary>The shop opens: ask for this player's list (an impression is recorded for each item shown).</summary>
        private void OnEnable()
        {
            if (_engine == null)
            {
                return;
            }

            _count = _engine.Suggest(playerId, _shown.AsSpan()); // no allocation; safe on the frame
            for (int i = 0; i < _count; i++)
            {
                Debug.Log($"[Shop] slot {i}: {_shown[i].ItemId} (score {_shown[i].Score:0.00}, {_shown[i].Source})");
            }
        }

        /// <summary>Call from a slot's button: the player looked at the item.</summary>
        public void OnSlotClicked(int slot)
        {
            if (slot >= 0 && slot < _count)
            {
                _engine.Record(new Interaction(playerId, _shown[slot].ItemId, InteractionKind.Click));
            }
        }

        /// <summary>Call when a purchase of the slot's item succeeded: the strongest signal; the item is not suggested again.</summary>
        public void OnSlotPurchased(int slot)
        {
            if (slot >= 0 && slot < _count)
            {
                _engine.Record(new Interaction(playerId, _shown[slot].ItemId, InteractionKind.Purchase));
            }
        }

        /// <summary>Mobile platforms may kill a paused app without another callback: make the engagement durable now.</summary>
        private void OnApplicationPause(bool paused)
        {
            if (paused && _engine != null)
            {
                _engine.Flush();
            }
        }

        private void OnApplicationQuit()
        {
            if (_engine != null)
            {
                _engine.Flush();
                _engine.Dispose();
                _engine = null;
            }
        }
    }
}
