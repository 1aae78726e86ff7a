using InferenceServer.ChatTemplates.Loading;
using InferenceServer.Core.Tensors;
using InferenceServer.Engine;
using InferenceServer.Engine.Batching;
using InferenceServer.Tokenization;

namespace InferenceServer.Server.Hosting;

/// <summary>The one model this server serves: its engine, tokenizer, chat templates and the name clients use.</summary>
public sealed class ServedModel : IDisposable
{
    private readonly OpenedModel _opened;

    private ServedModel(OpenedModel opened, LlmEngine engine, ModelChatTemplates templates, string name)
    {
        _opened = opened;
        Engine = engine;
        ChatTemplates = templates;
        Name = name;
        Version = opened.Model.Manifest?.Version ?? "";
        Created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    }

    public LlmEngine Engine { get; }
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

    /// <summary>Whether <paramref name="requested"/> (a request's "model"; null or empty means the default) names this model.</summary>
    public bool Answers(string? requested) => string.IsNullOrEmpty(requested) || string.Equals(requested, Name, StringComparison.Ordinal);

    /// <summary>Loads the model and starts its engine; throws with a clear message when the files or settings are wrong.</summary>
    public static ServedModel Load(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Model)) throw new ArgumentException("no model given: set --model (or Server:Model)");
        var opened = ModelOpener.Open(options.Model);
        try
        {
            var model = opened.Model;
            int? context = Min(options.MaxModelLen, model.Manifest?.MaxContext);
            var engineOptions = new EngineOptions
            {
                Threads = options.Threads,
                WeightDType = options.DType is { } d ? TensorDTypeExtensions.Parse(d) : model.Manifest?.DType,
                MaxNumSeqs = options.MaxNumSeqs,
                MaxNumBatchedTokens = options.MaxNumBatchedTokens,
                MaxContext = context,
                KvCacheMemoryBytes = options.KvCacheMemoryBytes,
                BlockSize = options.BlockSize,
                EnablePrefixCaching = options.EnablePrefixCaching,
            };
            string folder = Directory.Exists(model.Path) ? model.Path : Path.GetDirectoryName(Path.GetFullPath(model.Path))!;
            var templates = ModelChatTemplates.Load(folder);
            string version = model.Manifest is { } m ? $"{m.Name}/{m.Version}" : model.Path;
            var engine = new LlmEngine(new EngineCore(model, opened.Tokenizer, engineOptions, version));
            return new ServedModel(opened, engine, templates, options.ServedModelName ?? model.Name);
        }
        catch
        {
            opened.Dispose();
            throw;
        }
    }

    private static int? Min(int? a, int? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);

    private int _disposed;

    /// <summary>Stops the engine (requests in flight end with EngineFailedException) and releases the weights; once.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Engine.Dispose();
        _opened.Dispose();
    }
}
