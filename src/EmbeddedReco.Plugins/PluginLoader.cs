using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EmbeddedReco;

/// <summary>
/// Loads scorer plugins from a folder (net10.0 only: Unity's IL2CPP cannot load assemblies at run time; there, register in code).
/// Each assembly goes into its own collectible <see cref="AssemblyLoadContext"/> that shares only the EmbeddedReco contract
/// assembly with the host; its own dependencies resolve from its folder. A plugin that fails to load (bad image, wrong contract
/// version, missing dependency, throwing constructor) is reported and skipped: loading never throws for a bad plugin.
/// </summary>
public static class PluginLoader
{
    private const string TrimMessage = "Plugins are loaded by reflection from assemblies the trimmer never saw; do not trim a host that loads plugins.";

    /// <summary>
    /// Loads every <c>*.dll</c> in <paramref name="folder"/> and its immediate subfolders that carries
    /// <see cref="EmbeddedRecoPluginAttribute"/>, and registers its modules and scorers into <paramref name="scorers"/>.
    /// </summary>
    /// <param name="scorers">Where to register, usually <see cref="RecoEngineOptions.Scorers"/> before <see cref="RecoEngine.Open"/>.</param>
    /// <param name="folder">The plugin folder.</param>
    /// <param name="logger">Where to log what was loaded and skipped. Default: nowhere.</param>
    /// <returns>What was loaded and what was skipped, with reasons.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="IOException">The folder cannot be listed (an I/O error).</exception>
    /// <exception cref="UnauthorizedAccessException">Listing the folder or a subfolder is denied.</exception>
    [RequiresUnreferencedCode(TrimMessage)]
    public static PluginLoadReport LoadInto(ScorerCollection scorers, string folder, ILogger? logger = null)
    {
        if (scorers is null)
        {
            throw new ArgumentNullException(nameof(scorers));
        }

        if (folder is null)
        {
            throw new ArgumentNullException(nameof(folder));
        }

        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The plugin folder '{folder}' does not exist.");
        }

        logger ??= NullLogger.Instance;
        var report = new PluginLoadReport();
        var files = Directory.GetFiles(folder, "*.dll")
            .Concat(Directory.GetDirectories(folder).SelectMany(d => Directory.GetFiles(d, "*.dll")))
            .OrderBy(f => f, StringComparer.Ordinal);
        foreach (string file in files)
        {
            LoadOne(scorers, Path.GetFullPath(file), report, logger);
        }

        return report;
    }

    [RequiresUnreferencedCode(TrimMessage)]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "Plugin types are found at run time; trimming is unsupported here.")]
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Plugin types are found at run time; trimming is unsupported here.")]
    private static void LoadOne(ScorerCollection scorers, string path, PluginLoadReport report, ILogger logger)
    {
        string name = Path.GetFileNameWithoutExtension(path);
        if (string.Equals(name, typeof(IScorer).Assembly.GetName().Name, StringComparison.Ordinal))
        {
            return; // a stray copy of the contract assembly is not a plugin
        }

        var context = new PluginLoadContext(path);
        Type[]? types = LoadExportedTypes(context, path, report, logger);
        if (types is null)
        {
            return;
        }

        string directory = Path.GetDirectoryName(path)!;
        int before = scorers.Count;
        bool hasModule = RegisterModules(scorers, types, path, directory, report, logger);
        if (!hasModule)
        {
            AddParameterlessScorers(scorers, types, path, report, logger);
        }

        ReportAdded(scorers, before, path, report, logger, context);
    }

    /// <summary>Loads a plugin assembly and returns its exported types, or null when it is skipped or not a plugin.</summary>
    [RequiresUnreferencedCode(TrimMessage)]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "Plugin types are found at run time; trimming is unsupported here.")]
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Plugin types are found at run time; trimming is unsupported here.")]
    private static Type[]? LoadExportedTypes(PluginLoadContext context, string path, PluginLoadReport report, ILogger logger)
    {
        Assembly assembly;
        try
        {
            assembly = context.LoadFromAssemblyPath(path);
        }
        catch (Exception ex) when (ex is BadImageFormatException || ex is FileLoadException || ex is FileNotFoundException)
        {
            Skip(report, logger, path, "not a loadable .NET assembly (" + ex.GetType().Name + ")", ex, context);
            return null;
        }

        var attribute = assembly.GetCustomAttribute<EmbeddedRecoPluginAttribute>();
        if (attribute is null)
        {
            context.Unload();
            return null; // a dependency or unrelated assembly: not reported as a failure
        }

        if (attribute.ContractVersion != ScorerContract.Version)
        {
            Skip(report, logger, path, $"built for scorer contract {attribute.ContractVersion}; this engine implements {ScorerContract.Version}", null, context);
            return null;
        }

        Type[] types;
        try
        {
            types = assembly.GetExportedTypes();
        }
        catch (Exception ex) when (ex is ReflectionTypeLoadException || ex is FileNotFoundException || ex is FileLoadException || ex is TypeLoadException)
        {
            Skip(report, logger, path, "a dependency is missing: " + FirstMessage(ex), ex, context);
            return null;
        }

        return types;
    }

    /// <summary>Creates and registers every <see cref="IScorerModule"/> of the plugin; returns whether it has any.</summary>
    [RequiresUnreferencedCode(TrimMessage)]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "Plugin types are found at run time; trimming is unsupported here.")]
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Plugin types are found at run time; trimming is unsupported here.")]
    private static bool RegisterModules(ScorerCollection scorers, Type[] types, string path, string directory, PluginLoadReport report, ILogger logger)
    {
        bool hasModule = false;
        foreach (var type in types.Where(t => t.IsClass && !t.IsAbstract).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            try
            {
                if (typeof(IScorerModule).IsAssignableFrom(type))
                {
                    hasModule = true;
                    var module = (IScorerModule)Activator.CreateInstance(type)!;
                    module.Register(new ScorerModuleContext(scorers, directory));
                }
            }
            catch (Exception ex)
            {
                var inner = ex is TargetInvocationException { InnerException: not null } tie ? tie.InnerException! : ex;
                Skip(report, logger, path + ":" + type.FullName, "module failed: " + inner.Message, inner, null);
            }
        }

        return hasModule;
    }

    /// <summary>Adds every public parameterless <see cref="IScorer"/> of a plugin that has no module.</summary>
    [RequiresUnreferencedCode(TrimMessage)]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "Plugin types are found at run time; trimming is unsupported here.")]
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Plugin types are found at run time; trimming is unsupported here.")]
    private static void AddParameterlessScorers(ScorerCollection scorers, Type[] types, string path, PluginLoadReport report, ILogger logger)
    {
        foreach (var type in types.Where(t => t.IsClass && !t.IsAbstract && typeof(IScorer).IsAssignableFrom(t)).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            if (type.GetConstructor(Type.EmptyTypes) is null)
            {
                Skip(report, logger, path + ":" + type.FullName, "no public parameterless constructor (use an IScorerModule)", null, null);
                continue;
            }

            try
            {
                scorers.Add((IScorer)Activator.CreateInstance(type)!);
            }
            catch (Exception ex)
            {
                var inner = ex is TargetInvocationException { InnerException: not null } tie ? tie.InnerException! : ex;
                Skip(report, logger, path + ":" + type.FullName, "constructor threw " + inner.GetType().Name + ": " + inner.Message, inner, null);
            }
        }
    }

    /// <summary>Reports the scorers the plugin added since <paramref name="before"/>; unloads the plugin when it added none.</summary>
    private static void ReportAdded(ScorerCollection scorers, int before, string path, PluginLoadReport report, ILogger logger, PluginLoadContext context)
    {
        var added = scorers.Skip(before).Select(r => r.Scorer.Name).ToList();
        foreach (string scorer in added)
        {
            report.AddLoaded(new LoadedScorer(scorer, path));
            PluginLog.PluginScorerLoaded(logger, Path.GetFileName(path), scorer);
        }

        if (added.Count == 0)
        {
            context.Unload();
        }
    }

    private static string FirstMessage(Exception ex) => ex is ReflectionTypeLoadException rtle && rtle.LoaderExceptions.FirstOrDefault(e => e is not null) is { } first
        ? first.Message
        : ex.Message;

    private static void Skip(PluginLoadReport report, ILogger logger, string what, string reason, Exception? ex, PluginLoadContext? context)
    {
        report.AddSkipped(new SkippedPlugin(what, reason));
        PluginLog.PluginSkipped(logger, ex, what, reason);
        context?.Unload();
    }

    private sealed class PluginLoadContext : AssemblyLoadContext
    {
        private static readonly HashSet<string> Shared = SharedNames();
        private readonly AssemblyDependencyResolver _resolver;

        public PluginLoadContext(string path)
            : base("EmbeddedReco plugin " + Path.GetFileName(path), isCollectible: true)
        {
            _resolver = new AssemblyDependencyResolver(path);
        }

        [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Loading plugins is the purpose of this context.")]
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            // The contract and its own dependencies are shared with the host, so IScorer (and ILogger, ...) are one type on both sides.
            if (assemblyName.Name is not null && Shared.Contains(assemblyName.Name))
            {
                return null;
            }

            string? path = _resolver.ResolveAssemblyToPath(assemblyName);
            return path is null ? null : LoadFromAssemblyPath(path);
        }

        [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Reads the contract's own references; trimming is unsupported with plugins.")]
        private static HashSet<string> SharedNames()
        {
            var contract = typeof(IScorer).Assembly;
            var names = new HashSet<string>(StringComparer.Ordinal) { contract.GetName().Name! };
            foreach (var reference in contract.GetReferencedAssemblies())
            {
                names.Add(reference.Name!);
            }

            return names;
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            string? path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
            return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
        }
    }
}

/// <summary>What <see cref="PluginLoader.LoadInto"/> loaded and skipped.</summary>
public sealed class PluginLoadReport
{
    private readonly List<LoadedScorer> _loaded = new List<LoadedScorer>();
    private readonly List<SkippedPlugin> _skipped = new List<SkippedPlugin>();

    /// <summary>The scorers registered, with the assembly each came from.</summary>
    public IReadOnlyList<LoadedScorer> Loaded => _loaded;

    /// <summary>The assemblies or types skipped, with the reason.</summary>
    public IReadOnlyList<SkippedPlugin> Skipped => _skipped;

    internal void AddLoaded(LoadedScorer loaded) => _loaded.Add(loaded);

    internal void AddSkipped(SkippedPlugin skipped) => _skipped.Add(skipped);
}

/// <summary>A scorer registered from a plugin assembly.</summary>
public sealed class LoadedScorer
{
    internal LoadedScorer(string name, string assemblyPath)
    {
        Name = name;
        AssemblyPath = assemblyPath;
    }

    /// <summary>The scorer's name.</summary>
    public string Name { get; }

    /// <summary>The assembly it came from.</summary>
    public string AssemblyPath { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Path.GetFileName(AssemblyPath)})";
}

/// <summary>A plugin assembly or type that was not loaded.</summary>
public sealed class SkippedPlugin
{
    internal SkippedPlugin(string what, string reason)
    {
        What = what;
        Reason = reason;
    }

    /// <summary>The assembly path, or "path:type" for a single type.</summary>
    public string What { get; }

    /// <summary>Why it was skipped.</summary>
    public string Reason { get; }

    /// <inheritdoc />
    public override string ToString() => $"{What}: {Reason}";
}
