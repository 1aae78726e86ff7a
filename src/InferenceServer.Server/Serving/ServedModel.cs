using InferenceServer.ChatTemplates.Loading;
using InferenceServer.Devices;
using InferenceServer.Engine;
using InferenceServer.Server.Configuration;
using InferenceServer.Server.Errors;
using InferenceServer.Server.Lora;
using InferenceServer.Tokenization;

namespace InferenceServer.Server.Serving;

/// <summary>The one model this server serves: its engine, tokenizer, chat templates and the name clients use.</summary>
public sealed class ServedModel : IDisposable
{
    private readonly OpenedModel _opened;

    private ServedModel(OpenedModel opened, LlmEngine engine, ModelChatTemplates templates, string name, LoraAdapters adapters)
    {
        _opened = opened;
        Engine = engine;
        Adapters = adapters;
        ChatTemplates = templates;
        Name = name;
        Version = opened.Model.Manifest?.Version ?? "";
        Created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    }

    public LlmEngine Engine { get; }

    /// <summary>The LoRA adapters requests may name (none unless started with LoRA enabled).</summary>
    public LoraAdapters Adapters { get; }

    /// <summary>The model's folder or file, as vLLM's "root" of the base model card.</summary>
    public string Path => _opened.Model.Path;
    public ITextTokenizer Tokenizer => _opened.Tokenizer;
    public ModelChatTemplates ChatTemplates { get; }

    /// <summary>The id in "model" fields.</summary>
    public string Name { get; }

    /// <summary>The manifest's version label ("" when loaded without a manifest).</summary>
    public string Version { get; }

    /// <summary>Unix seconds when the model was loaded (OpenAI's "created" of the model object).</summary>
    public long Created { get; }

    /// <summary>Most prompt plus generated tokens one request may hold.</summary>
    public int MaxContext => Engine.Core.MaxContext;

    /// <summary>The base model or LoRA adapter a request's "model" names (null or empty: the base model); else 404.</summary>
    public ModelSelection Select(string? requested) => Adapters.Select(requested);

    /// <summary>Loads the model and starts its engine; throws with a clear message when the files or settings are wrong.</summary>
    public static ServedModel Load(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Model)) throw new ArgumentException("no model given: set --model (or Server:Model)");
        return Load(options, options.Model, options.ServedModelName, options.Engine.KvCacheMemoryBytes);
    }

    /// <summary>Loads one model (a version of a repository model) under <paramref name="servedName"/> with its own KV budget.</summary>
    public static ServedModel Load(ServerOptions options, string modelPath, string? servedName, long? kvCacheMemoryBytes)
    {
        ArgumentNullException.ThrowIfNull(options);
        var opened = ModelOpener.Open(modelPath);
        try
        {
            var model = opened.Model;
            var engineOptions = options.Engine.ForModel(model) with { KvCacheMemoryBytes = kvCacheMemoryBytes };
            string folder = Directory.Exists(model.Path) ? model.Path : System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(model.Path))!;
            var templates = ModelChatTemplates.Load(folder);
            string version = model.Manifest is { } m ? $"{m.Name}/{m.Version}" : model.Path;
            var engine = new LlmEngine(EngineFactory.Create(model, opened.Tokenizer, engineOptions, version));
            string name = servedName ?? model.Name;
            var adapters = new LoraAdapters(engine, model.Config, name, engineOptions.EnableLora, engineOptions.MaxLoraRank, options.LoraDirs);
            var served = new ServedModel(opened, engine, templates, name, adapters);
            try
            {
                // The manifest's adapters come with the model; they load only where LoRA is turned on.
                var manifestModules = engineOptions.EnableLora && model.Manifest is { } manifest
                    ? manifest.LoraModules.Select(m => new LoraModuleSpec(m.Key, m.Value))
                    : [];
                Preload(adapters, manifestModules.Concat(options.LoraModules.Select(LoraModuleSpec.Parse)));
            }
            catch
            {
                engine.Dispose();
                throw;
            }
            return served;
        }
        catch
        {
            opened.Dispose();
            throw;
        }
    }

    /// <summary>Loads the manifest's and the <c>--lora-modules</c> adapters; the first bad one stops the start with a message naming it.</summary>
    private static void Preload(LoraAdapters adapters, IEnumerable<LoraModuleSpec> modules)
    {
        foreach (var module in modules)
        {
            try
            {
                adapters.PreloadAsync(module).GetAwaiter().GetResult();
            }
            catch (ServerException e)
            {
                throw new ArgumentException($"LoRA module {module.Name}={module.Path}: {e.Message}", e);
            }
        }
    }

    private int _disposed;

    /// <summary>Stops the engine (requests in flight end with EngineFailedException) and releases the weights; once.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Engine.Dispose();
        _opened.Dispose();
    }
}
