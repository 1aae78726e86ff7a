using System.Globalization;

namespace InferenceServer.Tokenization.Tests;

/// <summary>
/// llama.cpp's tokenizer fixtures: reference.inp holds inputs, each followed by a line "__ggml_vocab_test__";
/// reference.out holds the expected ids (no BOS) of each input on its own line.
/// </summary>
internal static class ReferenceCases
{
    private const string Separator = "\n__ggml_vocab_test__\n";

    public static List<(string Input, int[] Expected)> Load(string folder)
    {
        string inp = File.ReadAllText(Path.Combine(folder, "reference.inp"));
        var inputs = inp.Split(Separator).ToList();
        // The file ends with a separator, so the last split is empty and not a case.
        Assert.Equal("", inputs[^1]);
        inputs.RemoveAt(inputs.Count - 1);
        var lines = File.ReadAllText(Path.Combine(folder, "reference.out")).Split('\n');
        Assert.True(lines.Length >= inputs.Count, $"reference.out has {lines.Length} lines for {inputs.Count} inputs");
        return [.. inputs.Select((input, i) => (input, lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray()))];
    }
}
