using InferenceServer.TestSupport;

namespace InferenceServer.Tokenization.Tests;

/// <summary>The fixture tokenizers, loaded once per test run (Qwen3's 151k-token vocabulary takes a moment).</summary>
internal static class SharedTokenizers
{
    private static readonly Lazy<TextTokenizer> TinyStoriesLazy = new(() => TokenizerLoader.Load(SharedModels.TinyStories));
    private static readonly Lazy<TextTokenizer> TinyStoriesGgufLazy = new(() => TokenizerLoader.Load(SharedModels.TinyStoriesQ8Gguf));
    private static readonly Lazy<TextTokenizer> Llama2Lazy = new(() => TokenizerLoader.Load(Llama2ModelPath));
    private static readonly Lazy<TextTokenizer> Qwen3Lazy = new(() => TokenizerLoader.Load(Qwen3JsonPath));

    public static string Llama2Folder => Path.Combine(SharedModels.Tokenizers, "llama2-spm");
    public static string Llama2ModelPath => Path.Combine(Llama2Folder, "tokenizer.model");
    public static string Qwen3Folder => Path.Combine(SharedModels.Tokenizers, "qwen3");
    public static string Qwen3JsonPath => Path.Combine(Qwen3Folder, "tokenizer.json");

    public static TextTokenizer TinyStories => TinyStoriesLazy.Value;
    public static TextTokenizer TinyStoriesGguf => TinyStoriesGgufLazy.Value;
    public static TextTokenizer Llama2 => Llama2Lazy.Value;
    public static TextTokenizer Qwen3 => Qwen3Lazy.Value;
}
