using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using InferenceServer.Core.Errors;
using InferenceServer.Engine;
using InferenceServer.Engine.Requests;
using InferenceServer.Models.Adapters;
using InferenceServer.Models.Config;
using InferenceServer.Server.Errors;

namespace InferenceServer.Server.Lora;

/// <summary>
/// Every LoRA adapter the server was given (preloaded or loaded at run time), by name and folder. The engine keeps
/// at most max-cpu-loras of them in host memory; a request naming one it evicted reloads it from its folder here,
/// one load per name at a time, off the request threads of everyone else.
/// </summary>
public sealed partial class LoraAdapters
{
    private readonly LlmEngine _engine;
    private readonly ModelConfig _config;
    private readonly int _maxRank;
    private readonly string _baseName;
    private readonly LoraPathPolicy _policy;
    private readonly ConcurrentDictionary<string, AdapterSource> _paths = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task>> _loading = new(StringComparer.Ordinal);

    /// <summary>How long a load waits for host memory while every loaded adapter is needed by running requests.</summary>
    private static readonly TimeSpan HostMemoryWait = TimeSpan.FromSeconds(60);

    /// <param name="engine">The engine adapters are registered with.</param>
    /// <param name="config">The base model's configuration, which adapters must match.</param>
    /// <param name="baseName">The served model's name (the parent of every adapter).</param>
    /// <param name="enabled">Whether LoRA is enabled (--enable-lora).</param>
    /// <param name="maxRank">Largest rank accepted (--max-lora-rank).</param>
    /// <param name="allowedDirectories">Where runtime loads may read from (--lora-dirs).</param>
    public LoraAdapters(LlmEngine engine, ModelConfig config, string baseName, bool enabled, int maxRank, IEnumerable<string> allowedDirectories)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(config);
        _engine = engine;
        _config = config;
        _baseName = baseName;
        Enabled = enabled;
        _maxRank = maxRank;
        _policy = new LoraPathPolicy(allowedDirectories);
    }

    /// <summary>Whether the server was started with LoRA enabled.</summary>
    public bool Enabled { get; }

    /// <summary>Adapter name → folder, sorted by name (a snapshot).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Known => [.. _paths.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, p.Value.Path))];

    /// <summary>Names of adapters being read from disk now (their requests wait for them).</summary>
    public IReadOnlyCollection<string> Loading => [.. _loading.Keys];

    /// <summary>Whether <paramref name="name"/> is an adapter the server knows (loaded in the engine or not).</summary>
    public bool Contains(string name) => _paths.ContainsKey(name);

    /// <summary>
    /// The base model or adapter a request's "model" names: empty or the base model's name is the base model,
    /// "base:adapter" or a bare adapter name an adapter; anything else is 404 model_not_found.
    /// </summary>
    public ModelSelection Select(string? requested)
    {
        if (string.IsNullOrEmpty(requested) || string.Equals(requested, _baseName, StringComparison.Ordinal)) return new ModelSelection(_baseName, null);
        string adapter = requested.StartsWith(_baseName + ":", StringComparison.Ordinal) ? requested[(_baseName.Length + 1)..] : requested;
        return _paths.ContainsKey(adapter) ? new ModelSelection(requested, adapter) : throw ServerException.ModelNotFound(requested);
    }

    /// <summary>Loads a <c>--lora-modules</c> adapter at start; its folder is trusted configuration, not confined.</summary>
    public Task PreloadAsync(LoraModuleSpec module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return AddAsync(module.Name, new AdapterSource(Path.GetFullPath(module.Path), Confined: false));
    }

    /// <summary>
    /// Loads an adapter at run time (an admin call); its folder must lie inside the allowed directories. With
    /// <paramref name="inPlace"/> (vLLM's load_inplace) an adapter of that name is replaced: its requests end with
    /// finish reason abort, and only once the new files have loaded cleanly.
    /// </summary>
    public async Task LoadAsync(string? name, string? path, bool inPlace = false)
    {
        if (!Enabled) throw ServerException.BadRequest("LoRA adapters are not enabled on this server (start it with --enable-lora).");
        if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(path)) throw ServerException.BadRequest("Both 'lora_name' and 'lora_path' must be provided.");
        if (path.Any(char.IsControl)) throw ServerException.BadRequest("'lora_path' must not contain control characters.", "lora_path");
        string real;
        try
        {
            real = _policy.Resolve(path);
        }
        catch (InferenceServerException e)
        {
            throw ServerException.BadRequest(e.Message, "lora_path");
        }
        if (inPlace && _paths.ContainsKey(name))
        {
            // A bad replacement must leave the old adapter serving, so the new files are checked first.
            await ReadAsync(name, new AdapterSource(real, Confined: true)).ConfigureAwait(false);
            await UnloadAsync(name).ConfigureAwait(false);
        }
        await AddAsync(name, new AdapterSource(real, Confined: true)).ConfigureAwait(false);
    }

    /// <summary>Forgets an adapter; requests using it end with finish reason abort.</summary>
    public async Task UnloadAsync(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) throw ServerException.BadRequest("'lora_name' needs to be provided to unload a LoRA adapter.");
        if (!_paths.TryRemove(name, out _)) throw new ServerException(ServerErrorKind.NotFound, $"The lora adapter '{name}' cannot be found.", "lora_name", "model_not_found");
        // A load in flight finishes first; it sees the name gone or is unloaded right after, so it cannot linger.
        if (_loading.TryGetValue(name, out var inFlight)) await inFlight.Value.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        try
        {
            await _engine.UnloadAdapterAsync(name).ConfigureAwait(false);
        }
        catch (UnknownAdapterException)
        {
            // Evicted from host memory (or never loaded): nothing of it is left in the engine.
        }
    }

    /// <summary>Completes once <paramref name="name"/> is loaded in the engine, reading it from disk if it was evicted.</summary>
    public Task EnsureLoadedAsync(string name)
    {
        if (_engine.Adapters.Contains(name)) return Task.CompletedTask;
        if (!_paths.TryGetValue(name, out var source)) throw ServerException.ModelNotFound(name);
        return _loading.GetOrAdd(name, n => new Lazy<Task>(() => LoadOnceAsync(n, source))).Value;
    }

    private async Task AddAsync(string name, AdapterSource source)
    {
        // Names appear in URLs, metrics labels and logs: letters, digits, '.', '_' and '-' only. ("base:adapter"
        // selects an adapter, so a colon would be ambiguous, and a slash or ".." reads like a path.)
        if (!AdapterName().IsMatch(name) || name.Contains("..", StringComparison.Ordinal))
            throw ServerException.BadRequest($"LoRA adapter name '{Printable(name)}' is not allowed: use 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit.", "lora_name");
        if (name == _baseName) throw ServerException.BadRequest($"LoRA adapter name '{name}' is the base model's name.", "lora_name");
        if (!_paths.TryAdd(name, source)) throw ServerException.BadRequest($"The lora adapter '{name}' has already been loaded.", "lora_name");
        try
        {
            await EnsureLoadedAsync(name).ConfigureAwait(false);
        }
        catch
        {
            _paths.TryRemove(new KeyValuePair<string, AdapterSource>(name, source));
            throw;
        }
    }

    /// <summary>
    /// Hands the adapter to the engine. When host memory is full of adapters running requests need, it waits for one
    /// to become evictable (requests naming this adapter wait meanwhile, others run on), up to <see cref="HostMemoryWait"/>.
    /// </summary>
    private async Task RegisterAsync(LoraAdapter adapter, AdapterSource source)
    {
        var deadline = DateTime.UtcNow + HostMemoryWait;
        for (int delayMs = 5; ; delayMs = Math.Min(delayMs * 2, 100))
        {
            // Unloaded while it was being read or while it waited: do not bring it back.
            if (!_paths.TryGetValue(adapter.Name, out var current) || current != source) return;
            try
            {
                await _engine.LoadAdapterAsync(adapter).ConfigureAwait(false);
                return;
            }
            catch (ArgumentException) when (_engine.Adapters.Contains(adapter.Name))
            {
                return;
            }
            catch (InvalidOperationException e) when (DateTime.UtcNow >= deadline)
            {
                throw new ServerException(ServerErrorKind.Unavailable, e.Message) { RetryAfterSeconds = 1 };
            }
            catch (InvalidOperationException)
            {
                await Task.Delay(delayMs).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reads and checks an adapter's files on the thread pool; a bad adapter is a 400 naming it and the problem.</summary>
    private async Task<LoraAdapter> ReadAsync(string name, AdapterSource source)
    {
        try
        {
            // Reading and transposing the matrices takes a while: keep it off the engine and request threads.
            // Runtime loads are confined file by file, on every (re)load: files can change after the first one.
            return await Task.Run(() => LoraAdapterLoader.Load(source.Path, name, _config, _maxRank, source.Confined ? _policy : null)).ConfigureAwait(false);
        }
        catch (ModelLoadException e)
        {
            throw ServerException.BadRequest(e.Message, "lora_path");
        }
    }

    private async Task LoadOnceAsync(string name, AdapterSource source)
    {
        try
        {
            var adapter = await ReadAsync(name, source).ConfigureAwait(false);
            await RegisterAsync(adapter, source).ConfigureAwait(false);
        }
        finally
        {
            _loading.TryRemove(name, out _);
        }
    }

    /// <summary>The name with control characters shown as '?', cut to 64 characters, for messages.</summary>
    private static string Printable(string name) => new([.. name.Take(64).Select(c => char.IsControl(c) ? '?' : c)]);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex AdapterName();

    /// <summary>An adapter's folder, and whether its files must stay inside --lora-dirs (runtime loads) or are trusted configuration (--lora-modules).</summary>
    private sealed record AdapterSource(string Path, bool Confined);
}
