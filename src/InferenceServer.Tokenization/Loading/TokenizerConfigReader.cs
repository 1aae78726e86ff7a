using System.Text.Json;
using InferenceServer.Core.Json;

namespace InferenceServer.Tokenization.Loading;

/// <summary>
/// Applies a model folder's tokenizer_config.json (add_bos_token, add_eos_token, bos_token, eos_token, pad_token) and the extra
/// end-of-sequence ids of generation_config.json and config.json to a tokenizer definition.
/// </summary>
public static class TokenizerConfigReader
{
    public const string TokenizerConfigFile = "tokenizer_config.json";
    public const string GenerationConfigFile = "generation_config.json";
    public const string ModelConfigFile = "config.json";

    /// <summary>The definition with the settings of the config files found in <paramref name="folder"/>.</summary>
    public static TokenizerDefinition Apply(TokenizerDefinition definition, string folder)
    {
        var eos = new List<int>();
        string tokenizerConfig = Path.Combine(folder, TokenizerConfigFile);
        if (File.Exists(tokenizerConfig))
        {
            using var doc = JsonFields.Parse(tokenizerConfig);
            var root = JsonFields.Root(tokenizerConfig, doc);
            if (root.Element.TryGetProperty("bos_token", out _))
                definition = definition with { BosTokenId = TokenId(root, "bos_token", definition) };
            if (TokenId(root, "eos_token", definition) is int e) eos.Add(e);
            if (TokenId(root, "pad_token", definition) is int pad) definition = definition with { PaddingTokenId = pad };
            definition = definition with
            {
                AddBosToken = root.Bool("add_bos_token", definition.AddBosToken),
                AddEosToken = root.Bool("add_eos_token", definition.AddEosToken),
            };
        }
        eos.AddRange(definition.EosTokenIds);
        foreach (string file in new[] { GenerationConfigFile, ModelConfigFile })
        {
            string path = Path.Combine(folder, file);
            if (!File.Exists(path)) continue;
            using var doc = JsonFields.Parse(path);
            eos.AddRange(IdList(JsonFields.Root(path, doc), "eos_token_id"));
        }
        return definition with { EosTokenIds = [.. eos.Distinct()] };
    }

    // bos_token / eos_token are a string, null, or an AddedToken object with "content".
    private static int? TokenId(JsonFields root, string key, TokenizerDefinition definition)
    {
        if (root.Optional(key) is not { } v) return null;
        string content = v.ValueKind switch
        {
            JsonValueKind.String => v.GetString()!,
            JsonValueKind.Object => root.Object(key).String("content"),
            _ => throw root.Error($"'{key}' must be a string or an object with \"content\""),
        };
        foreach (var t in definition.AddedTokens)
            if (t.Content == content) return t.Id;
        for (int id = 0; id < definition.Tokens.Count; id++)
            if (definition.Tokens[id] == content) return id;
        throw root.Error($"{key} \"{content}\" is not a token of the tokenizer");
    }

    private static IEnumerable<int> IdList(JsonFields root, string key)
    {
        if (root.Optional(key) is not { } v) return [];
        if (v.ValueKind == JsonValueKind.Number) return [root.Int(key)];
        if (v.ValueKind == JsonValueKind.Array)
            return v.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int i)
                ? i : throw root.Error($"'{key}' must hold integers, found {e.GetRawText()}")).ToList();
        throw root.Error($"'{key}' must be an integer or a list of integers");
    }
}
