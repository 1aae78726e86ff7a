using System.CommandLine;
using System.Text.Json;
using InferenceServer.Models.Manifests;
using InferenceServer.Tokenization;

namespace InferenceServer.Cli.Commands;

/// <summary>`tokenize`: prints the token ids of a text, or of each JSON string line of stdin, as JSON arrays.</summary>
internal static class TokenizeCommand
{
    private const string Description =
        "Print token ids as a JSON array, e.g. [1,80,147]. With --text, the ids of that text. Without it, batch mode: "
        + "every line of standard input must be one JSON string (\"Once upon a time\", escapes such as \\n allowed) and "
        + "gets one line of ids, in order, written as soon as it is read. At the first line that is not a JSON string "
        + "(an empty line included) the command stops with 'error: line N: ...' on stderr and exit code 1, after the "
        + "lines before it were printed. Special-token text in the input (e.g. <|im_end|>) is read as the special token.";

    public static Command Create()
    {
        var model = new Option<string>("--model", "-m")
        {
            Description = "Tokenizer: model folder, .gguf file, tokenizer.json, tokenizer.model, or a model manifest .json",
            Required = true,
        };
        var text = new Option<string?>("--text") { Description = "Text to tokenize (default: JSON string lines from stdin)" };
        var noSpecial = new Option<bool>("--no-special") { Description = "Add no BOS/EOS tokens" };
        var command = new Command("tokenize", Description) { model, text, noSpecial };
        command.SetAction(r => CommandErrors.Run(() =>
        {
            var tokenizer = Load(r.GetValue(model)!);
            bool addSpecial = !r.GetValue(noSpecial);
            if (r.GetValue(text) is { } t)
            {
                Console.Out.WriteLine(Ids(tokenizer.Encode(t, addSpecial)));
                return 0;
            }
            return RunBatch(tokenizer, addSpecial, Console.In, Console.Out, Console.Error);
        }));
        return command;
    }

    private static int RunBatch(ITextTokenizer tokenizer, bool addSpecial, TextReader input, TextWriter output, TextWriter error)
    {
        int lineNumber = 0;
        while (input.ReadLine() is { } line)
        {
            lineNumber++;
            if (!TryParseJsonString(line, out string? text, out string problem))
            {
                output.Flush();
                error.WriteLine($"error: line {lineNumber}: {problem}");
                return CommandErrors.Failure;
            }
            output.WriteLine(Ids(tokenizer.Encode(text, addSpecial)));
        }
        return 0;
    }

    private static bool TryParseJsonString(string line, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? text, out string problem)
    {
        text = null;
        problem = "";
        if (string.IsNullOrWhiteSpace(line))
        {
            problem = "expected a JSON string, got an empty line";
            return false;
        }
        try
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.ValueKind != JsonValueKind.String)
            {
                problem = $"expected a JSON string, got a JSON {doc.RootElement.ValueKind.ToString().ToLowerInvariant()}";
                return false;
            }
            text = doc.RootElement.GetString()!;
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            problem = $"not a JSON string: {e.Message}";
            return false;
        }
    }

    private static string Ids(int[] ids) => JsonSerializer.Serialize(ids);

    // generate takes model manifests, so tokenize does too: the tokenizer is that of the model the manifest names.
    private static TextTokenizer Load(string path)
    {
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && File.Exists(path) && IsManifest(path))
            path = ModelManifest.Load(path).ModelPath;
        return TokenizerLoader.Load(path);
    }

    // A manifest names a "path"; a tokenizer.json has a "model". Anything unreadable is left to the tokenizer loader's errors.
    private static bool IsManifest(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("path", out _) && !root.TryGetProperty("model", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
