using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using InferenceServer.TestSupport;

namespace InferenceServer.Tokenization.Tests;

/// <summary>
/// The fixture tokenizer.json files edited to use other pre-tokenizers and decoders; the same edits as
/// Fixtures/generate-hf-expectations.js makes before recording Hugging Face's output.
/// </summary>
internal static class VariantTokenizers
{
    private const string Llama3Pattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private static readonly ConcurrentDictionary<string, Lazy<TextTokenizer>> Cache = new();

    public static TextTokenizer For(string setName) => setName switch
    {
        "tinystories" => SharedTokenizers.TinyStories,
        "qwen3" => SharedTokenizers.Qwen3,
        _ => Cache.GetOrAdd(setName, name => new Lazy<TextTokenizer>(() => Build(name))).Value,
    };

    private static TextTokenizer Build(string setName)
    {
        var set = HuggingFaceExpectations.For(setName);
        bool tiny = setName.StartsWith("tinystories", StringComparison.Ordinal);
        string file = tiny ? Path.Combine(SharedModels.TinyStories, "tokenizer.json") : SharedTokenizers.Qwen3JsonPath;
        var json = JsonNode.Parse(File.ReadAllText(file))!;
        switch (set.Variant)
        {
            case "metaspace-first":
                Metaspace(json, "first", split: false);
                break;
            case "metaspace-always-split":
                Metaspace(json, "always", split: true);
                break;
            case "gpt2-bytelevel":
                json["normalizer"] = null;
                json["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true };
                break;
            case "added-token-flags":
                foreach (var t in json["added_tokens"]!.AsArray())
                {
                    if ((string?)t!["content"] == "<think>") t["lstrip"] = true;
                    if ((string?)t!["content"] == "</think>") t["rstrip"] = true;
                }
                json["added_tokens"]!.AsArray().Add(new JsonObject
                {
                    ["id"] = 151669,
                    ["content"] = "bar",
                    ["single_word"] = true,
                    ["lstrip"] = false,
                    ["rstrip"] = false,
                    ["normalized"] = false,
                    ["special"] = false,
                });
                break;
            case "llama3-split":
                json["pre_tokenizer"]!["pretokenizers"]![0]!["pattern"]!["Regex"] = Llama3Pattern;
                json["model"]!["ignore_merges"] = true;
                break;
            default:
                throw new InvalidOperationException($"unknown variant {set.Variant}");
        }
        // Each variant gets its own folder, deleted with the process's temp files; the tokenizer is kept in memory.
        var dir = new TempDirectory();
        string path = dir.File("tokenizer.json");
        File.WriteAllText(path, json.ToJsonString());
        var tokenizer = TokenizerLoader.Load(path);
        dir.Dispose();
        return tokenizer;
    }

    private static void Metaspace(JsonNode json, string scheme, bool split)
    {
        json["normalizer"] = null;
        json["pre_tokenizer"] = new JsonObject { ["type"] = "Metaspace", ["replacement"] = "▁", ["prepend_scheme"] = scheme, ["split"] = split };
        json["decoder"] = new JsonObject { ["type"] = "Metaspace", ["replacement"] = "▁", ["prepend_scheme"] = scheme, ["split"] = split };
    }
}
