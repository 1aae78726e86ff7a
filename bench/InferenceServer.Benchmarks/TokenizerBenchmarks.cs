using BenchmarkDotNet.Attributes;
using InferenceServer.Tokenization;

namespace InferenceServer.Benchmarks;

/// <summary>
/// Encode and decode throughput of the Llama 2 (SentencePiece tokenizer.model) and Qwen3 (byte-level tokenizer.json)
/// tokenizers on a long English text and a mixed-script text (<see cref="BenchTexts"/>). One call handles the whole
/// text; tokens/s is the text's token count over the median time (Program prints it).
/// </summary>
[Config(typeof(TokenizerBenchConfig))]
public class TokenizerBenchmarks
{
    public const string Llama2 = "llama2";
    public const string Qwen3 = "qwen3";

    /// <summary>Length of each text in characters: long enough that per-call overhead does not count.</summary>
    public const int TextChars = 100_000;

    private TextTokenizer _tokenizer = null!;
    private string _text = "";
    private int[] _ids = [];

    [Params(Llama2, Qwen3)]
    public string Tokenizer { get; set; } = "";

    [Params(BenchTexts.English, BenchTexts.Mixed)]
    public string Text { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _tokenizer = Load(Tokenizer);
        _text = BenchTexts.Get(Text, TextChars);
        _ids = _tokenizer.Encode(_text, addSpecialTokens: false);
    }

    [Benchmark(Description = "encode")]
    public int[] Encode() => _tokenizer.Encode(_text, addSpecialTokens: false);

    [Benchmark(Description = "decode")]
    public string Decode() => _tokenizer.Decode(_ids);

    /// <summary>The fixture tokenizer named <paramref name="name"/>, from ../shared/models/tokenizers.</summary>
    public static TextTokenizer Load(string name)
    {
        string root = Path.Combine(BenchModels.RepositoryRoot(), "..", "shared", "models", "tokenizers");
        return name switch
        {
            Llama2 => TokenizerLoader.Load(Path.Combine(root, "llama2-spm", "tokenizer.model")),
            Qwen3 => TokenizerLoader.Load(Path.Combine(root, "qwen3", "tokenizer.json")),
            _ => throw new ArgumentException($"unknown tokenizer '{name}'", nameof(name)),
        };
    }

    private static readonly Dictionary<string, TextTokenizer> Loaded = [];

    /// <summary>How many tokens <paramref name="tokenizer"/> makes of <paramref name="text"/> (the same in every run).</summary>
    public static int TokenCount(string tokenizer, string text)
    {
        if (!Loaded.TryGetValue(tokenizer, out var t)) Loaded[tokenizer] = t = Load(tokenizer);
        return t.Encode(BenchTexts.Get(text, TextChars), addSpecialTokens: false).Length;
    }
}
