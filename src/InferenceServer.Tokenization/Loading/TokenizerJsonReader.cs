using System.Text.Json;
using InferenceServer.Core.Errors;
using InferenceServer.Core.Json;
using InferenceServer.Tokenization.Decoding;

namespace InferenceServer.Tokenization.Loading;

/// <summary>
/// Reads a Hugging Face tokenizer.json (BPE model) into a <see cref="TokenizerDefinition"/>. Microsoft.ML.Tokenizers has
/// no loader for this format, so model, normalizer, pre-tokenizer, decoder and added tokens are read here.
/// </summary>
public static class TokenizerJsonReader
{
    /// <summary>Reads <paramref name="path"/>; BOS/EOS come from its post-processor until a tokenizer_config.json overrides them.</summary>
    public static TokenizerDefinition Read(string path)
    {
        using var doc = JsonFields.Parse(path);
        var root = JsonFields.Root(path, doc);
        var model = root.Object("model");
        string type = model.OptionalString("type") ?? "BPE";
        if (type != "BPE")
            throw model.Error($"model type '{type}' is not supported (only BPE)");
        if (!string.IsNullOrEmpty(model.OptionalString("continuing_subword_prefix")) || !string.IsNullOrEmpty(model.OptionalString("end_of_word_suffix")))
            throw model.Error("continuing_subword_prefix / end_of_word_suffix are not supported");

        var vocabulary = ReadVocabulary(model);
        var merges = ReadMerges(model, path);
        // Hugging Face gives an added token whose text is already a model token that token's id.
        var added = (root.Optional("added_tokens") is null ? [] : root.Array("added_tokens").Select(ReadAddedToken))
            .Select(t => vocabulary.TryGetValue(t.Content, out int existing) && existing != t.Id ? t with { Id = existing } : t)
            .ToList();

        var normalizer = TokenizerJsonNormalizers.Read(root);
        var preTokenizer = TokenizerJsonPreTokenizers.Read(root, out bool byteLevel);
        var decoding = TokenizerJsonDecoders.Read(root);
        if (byteLevel && decoding.Form != TokenTextForm.ByteLevel)
            throw new ModelLoadException(path, "byte-level pre-tokenizer without a ByteLevel decoder is not supported");

        int count = Math.Max(vocabulary.Count == 0 ? 0 : vocabulary.Values.Max() + 1, added.Count == 0 ? 0 : added.Max(t => t.Id) + 1);
        var tokens = new string?[count];
        foreach (var (token, id) in vocabulary) tokens[id] = token;
        // Hugging Face keeps a "normalized" added token under its normalized text (TinyStories' id 2 is
        // "▁<|end_story|>"), and that is what id_to_token and decode give back.
        foreach (var t in added) tokens[t.Id] = t.Normalized && normalizer is not null ? normalizer.Normalize(t.Content) : t.Content;

        string? unk = model.OptionalString("unk_token");
        if (unk is not null && !vocabulary.ContainsKey(unk))
            throw model.Error($"unk_token '{unk}' is not in the vocabulary");

        var wrapping = TokenizerJsonPostProcessor.Read(root);
        int? IdOf(string? name) => name is null ? null
            : added.FirstOrDefault(t => t.Content == name)?.Id ?? (vocabulary.TryGetValue(name, out int id) ? id : null);

        return new TokenizerDefinition
        {
            SourcePath = path,
            ByteLevel = byteLevel,
            Tokens = tokens,
            ModelVocabulary = vocabulary,
            Merges = merges,
            AddedTokens = added,
            Normalizer = normalizer,
            PreTokenizer = preTokenizer,
            UnknownToken = unk,
            FuseUnknown = model.Bool("fuse_unk", false),
            ByteFallback = model.Bool("byte_fallback", false),
            IgnoreMerges = model.Bool("ignore_merges", false),
            Decoding = decoding,
            BosTokenId = IdOf(wrapping.Bos),
            AddBosToken = wrapping.Bos is not null,
            EosTokenIds = IdOf(wrapping.Eos) is int eos ? [eos] : [],
            AddEosToken = wrapping.Eos is not null,
        };
    }

    private static Dictionary<string, int> ReadVocabulary(JsonFields model)
    {
        var vocab = model.Object("vocab");
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in vocab.Element.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt32(out int id) || id < 0)
                throw vocab.Error($"token '{p.Name}' has id {p.Value.GetRawText()}, expected a non-negative integer");
            if (!result.TryAdd(p.Name, id))
                throw vocab.Error($"token '{p.Name}' appears twice");
        }
        return result;
    }

    private static List<(string, string)> ReadMerges(JsonFields model, string path)
    {
        var merges = new List<(string, string)>();
        if (model.Optional("merges") is null) return merges;
        foreach (var m in model.Array("merges"))
        {
            // Older files write "a b", newer ones ["a", "b"] (which allows spaces inside tokens).
            (string, string) merge;
            if (m.Element.ValueKind == JsonValueKind.String)
            {
                string s = m.AsString();
                int space = s.IndexOf(' ', StringComparison.Ordinal);
                if (space <= 0 || space == s.Length - 1 || s.IndexOf(' ', space + 1) >= 0)
                    throw m.Error($"merge \"{s}\" is not two tokens separated by one space");
                merge = (s[..space], s[(space + 1)..]);
            }
            else if (m.Element.ValueKind == JsonValueKind.Array && m.Element.GetArrayLength() == 2
                && m.Element[0].ValueKind == JsonValueKind.String && m.Element[1].ValueKind == JsonValueKind.String)
            {
                merge = (m.Element[0].GetString()!, m.Element[1].GetString()!);
            }
            else throw m.Error("a merge must be \"a b\" or [\"a\", \"b\"]");
            if (merge.Item1.Contains(' ', StringComparison.Ordinal) || merge.Item2.Contains(' ', StringComparison.Ordinal))
                throw new ModelLoadException(path, $"{m.Where}: merges of tokens containing spaces are not supported");
            merges.Add(merge);
        }
        return merges;
    }

    private static AddedToken ReadAddedToken(JsonFields t) => new(
        t.Int("id"),
        t.String("content"),
        t.Bool("special", false),
        t.Bool("normalized", !t.Bool("special", false)),
        t.Bool("lstrip", false),
        t.Bool("rstrip", false),
        t.Bool("single_word", false));
}
