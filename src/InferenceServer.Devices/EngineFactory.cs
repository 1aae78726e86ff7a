using InferenceServer.Engine;
using InferenceServer.Engine.Generation;
using InferenceServer.Models.Loading;
using InferenceServer.Tokenization;

namespace InferenceServer.Devices;

/// <summary>
/// The one way an engine is built: the backend <see cref="EngineOptions.Device"/> names, then the engine on it.
/// <c>serve</c>, <c>generate</c>, the benchmarks and the tests all come through here.
/// </summary>
public static class EngineFactory
{
    /// <summary>A batched engine of <paramref name="model"/>; it owns the backend it opens.</summary>
    /// <param name="modelVersion">Names the weights in the prefix-cache namespace (default: the model's path).</param>
    public static EngineCore Create(LoadedModel model, ITextTokenizer tokenizer, EngineOptions options, string? modelVersion = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new EngineCore(model, tokenizer, options, ComputeBackendFactory.Create(options), modelVersion);
    }

    /// <summary>A one-sequence generator: the same engine with room for a single request and no prefix cache to fill.</summary>
    public static TextGenerator CreateGenerator(LoadedModel model, ITextTokenizer tokenizer, EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new TextGenerator(Create(model, tokenizer, options with { MaxNumSeqs = 1, EnablePrefixCaching = false }));
    }
}
