using System.Globalization;
using System.Text.Json;
using InferenceServer.TestSupport;
using InferenceServer.Tokenization;

namespace InferenceServer.Cli.Tests;

public sealed class TokenizeCommandTests
{
    private static string Qwen3Folder => Path.Combine(SharedModels.Tokenizers, "qwen3");
    private static string Llama2Folder => Path.Combine(SharedModels.Tokenizers, "llama2-spm");

    private static string[] Lines(string stdout) => stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static int[] Parse(string jsonArray) => JsonSerializer.Deserialize<int[]>(jsonArray)!;

    // llama.cpp's fixtures: inputs separated by "__ggml_vocab_test__" lines, expected ids (no BOS) one line each.
    private static List<(string Input, int[] Expected)> ReferenceCases(string folder)
    {
        var inputs = File.ReadAllText(Path.Combine(folder, "reference.inp")).Split("\n__ggml_vocab_test__\n")[..^1];
        var outputs = File.ReadAllText(Path.Combine(folder, "reference.out")).Split('\n');
        return [.. inputs.Select((input, i) => (input, outputs[i].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray()))];
    }

    [Fact]
    public void Text_is_printed_as_a_json_array_of_ids()
    {
        var (code, stdout, stderr) = CliRunner.Run("tokenize", "--model", SharedModels.TinyStories, "--text", "Once upon a time");
        Assert.True(code == 0, stderr);
        Assert.Equal("[1,80,147,201,282,57]\n", stdout);
    }

    [Fact]
    public void No_special_leaves_out_bos()
    {
        var with = CliRunner.Run("tokenize", "-m", SharedModels.TinyStories, "--text", "Once upon a time");
        var without = CliRunner.Run("tokenize", "-m", SharedModels.TinyStories, "--text", "Once upon a time", "--no-special");
        Assert.Equal(0, without.ExitCode);
        int[] ids = Parse(with.Stdout);
        Assert.Equal(1, ids[0]);
        Assert.Equal(ids[1..], Parse(without.Stdout));
    }

    [Fact]
    public void Manifest_gguf_and_folder_give_the_same_ids()
    {
        var folder = CliRunner.Run("tokenize", "-m", SharedModels.TinyStories, "--text", "Once upon a time, Lily!");
        var manifest = CliRunner.Run("tokenize", "-m", "models/tinystories-656k/1.json", "--text", "Once upon a time, Lily!");
        var gguf = CliRunner.Run("tokenize", "-m", SharedModels.TinyStoriesQ8Gguf, "--text", "Once upon a time, Lily!");
        Assert.Equal(0, folder.ExitCode);
        Assert.Equal(folder.Stdout, manifest.Stdout);
        Assert.Equal(folder.Stdout, gguf.Stdout);
    }

    [Theory]
    [InlineData("qwen3", "tokenizer.json")]
    [InlineData("llama2-spm", "tokenizer.model")]
    public void Batch_mode_prints_one_array_per_json_string_line(string fixture, string file)
    {
        string folder = Path.Combine(SharedModels.Tokenizers, fixture);
        var cases = ReferenceCases(folder);
        string stdin = string.Concat(cases.Select(c => JsonSerializer.Serialize(c.Input) + "\n"));
        var (code, stdout, stderr) = CliRunner.RunWithInput(stdin, "tokenize", "--model", Path.Combine(folder, file), "--no-special");
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n');
        Assert.Equal(cases.Count + 1, lines.Length); // one line per case, then the final newline
        for (int i = 0; i < cases.Count; i++)
            Assert.Equal(cases[i].Expected, Parse(lines[i]));
    }

    [Fact]
    public void Batch_mode_adds_special_tokens_unless_told_not_to()
    {
        var tokenizer = TokenizerLoader.Load(Llama2Folder);
        string[] texts = ["Hello world", "", "tabs\tand\nnewlines"];
        string stdin = string.Join("\n", texts.Select(t => JsonSerializer.Serialize(t))); // no newline after the last line
        var (code, stdout, stderr) = CliRunner.RunWithInput(stdin, "tokenize", "--model", Llama2Folder);
        Assert.True(code == 0, stderr);
        Assert.Equal(texts.Select(t => tokenizer.Encode(t)), Lines(stdout).Select(Parse));
    }

    [Fact]
    public void A_line_that_is_not_a_json_string_stops_the_batch_after_the_lines_before_it()
    {
        var (code, stdout, stderr) = CliRunner.RunWithInput("\"Once\"\n\"upon\"\nOnce upon\n\"a time\"\n",
            "tokenize", "--model", SharedModels.TinyStories);
        Assert.Equal(1, code);
        Assert.Equal(2, Lines(stdout).Length);
        Assert.StartsWith("error: line 3: not a JSON string", stderr, StringComparison.Ordinal);

        (code, stdout, stderr) = CliRunner.RunWithInput("42\n", "tokenize", "--model", SharedModels.TinyStories);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("error: line 1: expected a JSON string, got a JSON number", stderr, StringComparison.Ordinal);

        (code, _, stderr) = CliRunner.RunWithInput("\"a\"\n\n\"b\"\n", "tokenize", "--model", SharedModels.TinyStories);
        Assert.Equal(1, code);
        Assert.StartsWith("error: line 2: expected a JSON string, got an empty line", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Special_token_text_is_read_as_the_special_token()
    {
        var (code, stdout, _) = CliRunner.Run("tokenize", "-m", Qwen3Folder, "--text", "<|im_start|>user");
        Assert.Equal(0, code);
        var tokenizer = TokenizerLoader.Load(Qwen3Folder);
        int[] ids = Parse(stdout);
        Assert.Equal(tokenizer.TokenToId("<|im_start|>"), ids[0]);
        Assert.Equal(tokenizer.Encode("<|im_start|>user"), ids);
    }

    [Fact]
    public void A_missing_or_broken_tokenizer_fails_with_its_path()
    {
        var (code, _, stderr) = CliRunner.Run("tokenize", "--model", "no/such/tokenizer.json", "--text", "hi");
        Assert.Equal(1, code);
        Assert.StartsWith("error:", stderr, StringComparison.Ordinal);
        Assert.Contains("no/such/tokenizer.json", stderr, StringComparison.Ordinal);

        using var dir = new TempDirectory();
        string broken = dir.File("tokenizer.json");
        File.WriteAllText(broken, "{ \"model\": ");
        (code, _, stderr) = CliRunner.Run("tokenize", "--model", broken, "--text", "hi");
        Assert.Equal(1, code);
        Assert.Contains(broken, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_documents_batch_mode()
    {
        var (code, stdout, _) = CliRunner.Run("tokenize", "--help");
        Assert.Equal(0, code);
        Assert.Contains("JSON string", stdout, StringComparison.Ordinal);
        Assert.Contains("--no-special", stdout, StringComparison.Ordinal);
    }
}
