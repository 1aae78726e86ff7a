using System.Text.Json.Nodes;
using Google.Protobuf;
using InferenceServer.Core.Errors;
using InferenceServer.Models.Gguf;
using InferenceServer.TestSupport;
using InferenceServer.Tokenization.Loading;

namespace InferenceServer.Tokenization.Tests;

/// <summary>Broken or unsupported tokenizer files fail with a <see cref="ModelLoadException"/> naming the file and the problem.</summary>
public class MalformedTokenizerFileTests
{
    private static string TinyStoriesJson => File.ReadAllText(Path.Combine(SharedModels.TinyStories, "tokenizer.json"));

    private static ModelLoadException LoadFails(string path, string expectedProblem)
    {
        var e = Assert.Throws<ModelLoadException>(() => TokenizerLoader.Load(path));
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expectedProblem, e.Problem, StringComparison.Ordinal);
        return e;
    }

    private static string WriteJson(TempDirectory dir, Action<JsonNode> mutate)
    {
        var node = JsonNode.Parse(TinyStoriesJson)!;
        mutate(node);
        string path = dir.File("tokenizer.json");
        File.WriteAllText(path, node.ToJsonString());
        return path;
    }

    [Fact]
    public void Invalid_json()
    {
        using var dir = new TempDirectory();
        string path = dir.File("tokenizer.json");
        File.WriteAllText(path, TinyStoriesJson[..5000]);
        LoadFails(path, "invalid JSON");
    }

    [Fact]
    public void Missing_or_mistyped_fields_are_named()
    {
        using var dir = new TempDirectory();
        LoadFails(WriteJson(dir, n => n.AsObject().Remove("model")), "\"model\" is missing");
        LoadFails(WriteJson(dir, n => n["model"]!["vocab"] = new JsonArray()), "\"model.vocab\" must be an object");
        LoadFails(WriteJson(dir, n => n["model"]!["vocab"]!["▁"] = "eighty"), "token '▁' has id \"eighty\"");
        LoadFails(WriteJson(dir, n => n["model"]!["merges"]![3] = "nospace"), "model.merges[3]");
        LoadFails(WriteJson(dir, n => n["added_tokens"]![1]!.AsObject().Remove("content")), "\"added_tokens[1].content\" is missing");
        LoadFails(WriteJson(dir, n => n["model"]!["unk_token"] = "<nope>"), "unk_token '<nope>' is not in the vocabulary");
    }

    [Fact]
    public void Unsupported_components_are_named()
    {
        using var dir = new TempDirectory();
        LoadFails(WriteJson(dir, n => n["model"]!["type"] = "Unigram"), "model type 'Unigram' is not supported");
        LoadFails(WriteJson(dir, n => n["normalizer"] = new JsonObject { ["type"] = "NFKD" }), "normalizer type 'NFKD' is not supported");
        LoadFails(WriteJson(dir, n => n["pre_tokenizer"] = new JsonObject { ["type"] = "BertPreTokenizer" }), "pre-tokenizer type 'BertPreTokenizer'");
        LoadFails(WriteJson(dir, n => n["decoder"] = new JsonObject { ["type"] = "WordPiece" }), "decoder type 'WordPiece'");
    }

    [Fact]
    public void Tokenizer_config_problems_name_that_file()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tokenizer.json"), TinyStoriesJson);
        string config = dir.File("tokenizer_config.json");
        File.WriteAllText(config, """{ "eos_token": "<|no_such|>" }""");
        var e = Assert.Throws<ModelLoadException>(() => TokenizerLoader.Load(dir.Path));
        Assert.Equal(config, e.FilePath);
        Assert.Contains("eos_token \"<|no_such|>\" is not a token", e.Message, StringComparison.Ordinal);

        File.WriteAllText(config, "{ \"add_bos_token\": ");
        e = Assert.Throws<ModelLoadException>(() => TokenizerLoader.Load(dir.Path));
        Assert.Equal(config, e.FilePath);

        File.WriteAllText(config, """{ "add_bos_token": "yes" }""");
        e = Assert.Throws<ModelLoadException>(() => TokenizerLoader.Load(dir.Path));
        Assert.Contains("\"add_bos_token\" must be true or false", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Garbage_sentencepiece_model()
    {
        using var dir = new TempDirectory();
        string path = dir.File("tokenizer.model");
        File.WriteAllBytes(path, [0x0A, 0xFF, 0xFF, 0xFF, 0x0F, 1, 2, 3]);
        LoadFails(path, "not a valid SentencePiece model");
        File.WriteAllBytes(path, []);
        LoadFails(path, "has no pieces");
    }

    [Fact]
    public void Truncated_sentencepiece_model()
    {
        using var dir = new TempDirectory();
        string path = dir.File("tokenizer.model");
        byte[] whole = File.ReadAllBytes(SharedTokenizers.Llama2ModelPath);
        File.WriteAllBytes(path, whole[..(whole.Length / 2)]);
        LoadFails(path, "not a valid SentencePiece model");
    }

    [Fact]
    public void Gguf_vocabulary_with_an_unknown_pre_tokenizer()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.gguf");
        var writer = new GgufWriter();
        writer.AddMetadata(GgufTokenizerReader.ModelKey, "gpt2");
        writer.AddMetadata(GgufTokenizerReader.PreKey, "made-up-pre");
        writer.AddMetadata(GgufTokenizerReader.TokensKey, new[] { "a", "b", "ab" });
        writer.AddMetadata(GgufTokenizerReader.MergesKey, new[] { "a b" });
        writer.Write(path);
        LoadFails(path, "GGUF pre-tokenizer 'made-up-pre' (tokenizer.ggml.pre) is not supported");
    }

    [Fact]
    public void Unigram_sentencepiece_model_is_refused()
    {
        using var dir = new TempDirectory();
        string path = dir.File("tokenizer.model");
        using (var stream = File.Create(path))
        {
            var output = new CodedOutputStream(stream);
            var piece = new MemoryStream();
            var pieceOutput = new CodedOutputStream(piece);
            pieceOutput.WriteTag(1, WireFormat.WireType.LengthDelimited);
            pieceOutput.WriteString("▁a");
            pieceOutput.Flush();
            output.WriteTag(1, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(piece.ToArray()));
            output.Flush(); // no trainer spec: model_type defaults to Unigram
        }
        LoadFails(path, "SentencePiece Unigram models are not supported");
    }

    [Fact]
    public void Not_a_gguf()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.gguf");
        File.WriteAllBytes(path, [(byte)'G', (byte)'G', (byte)'M', (byte)'L', 0, 0, 0, 0]);
        Assert.Equal(path, Assert.Throws<ModelLoadException>(() => TokenizerLoader.Load(path)).FilePath);
    }

    [Fact]
    public void Missing_paths_and_empty_folders()
    {
        using var dir = new TempDirectory();
        LoadFails(dir.File("nothing-here"), "no such file or folder");
        LoadFails(dir.Path, "no tokenizer found");
    }
}
