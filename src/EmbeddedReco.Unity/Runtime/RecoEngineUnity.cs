using System;
using System.IO;
using UnityEngine;
using UnityEngine.Scripting;

[assembly: AlwaysLinkAssembly]

namespace EmbeddedReco.Unity
{
    /// <summary>Opens an EmbeddedReco engine the way a Unity game should: one file per game under Application.persistentDataPath.</summary>
    /// <remarks>
    /// Open one engine per database file for the whole session (a second engine on the same file is refused with
    /// <see cref="RecoErrorCode.StorageOpenFailed"/>), call <see cref="RecoEngine.Flush"/> when the application pauses or quits,
    /// and <see cref="RecoEngine.Dispose"/> when it quits. Plugins register in code (<see cref="RecoEngineOptions.Scorers"/>):
    /// IL2CPP cannot load assemblies at run time.
    /// </remarks>
    [Preserve]
    public static class RecoEngineUnity
    {
        /// <summary>The database path for <paramref name="fileName"/> under Application.persistentDataPath.</summary>
        /// <param name="fileName">A file name such as "reco.db" (no folders).</param>
        /// <returns>The full path.</returns>
        public static string DatabasePath(string fileName)
        {
            if (string.IsNullOrEmpty(fileName) || fileName.IndexOfAny(new[] { '/', '\\' }) >= 0)
            {
                throw new ArgumentException("A file name without folders, such as \"reco.db\".", nameof(fileName));
            }

            return Path.Combine(Application.persistentDataPath, fileName);
        }

        /// <summary>Opens (or creates) the engine's database under Application.persistentDataPath.</summary>
        /// <param name="fileName">A file name such as "reco.db".</param>
        /// <param name="dimensions">The length of every item's feature vector.</param>
        /// <param name="configure">Optional: more options (scorers, policy, weights) before the engine opens.</param>
        /// <returns>The engine; dispose it when the application quits.</returns>
        public static RecoEngine Open(string fileName, int dimensions, Action<RecoEngineOptions> configure = null)
        {
            var options = new RecoEngineOptions { DatabasePath = DatabasePath(fileName), Dimensions = dimensions };
            configure?.Invoke(options);
            return RecoEngine.Open(options);
        }
    }
}
