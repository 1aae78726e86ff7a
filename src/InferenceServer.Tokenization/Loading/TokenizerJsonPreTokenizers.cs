using System.Text.RegularExpressions;
using InferenceServer.Core.Json;
using InferenceServer.Tokenization.PreTokenization;

namespace InferenceServer.Tokenization.Loading;

/// <summary>Builds the pre-tokenizer described by tokenizer.json's "pre_tokenizer", noting whether it is byte-level.</summary>
internal static class TokenizerJsonPreTokenizers
{
    public static IPreTokenizer? Read(JsonFields root, out bool byteLevel)
    {
        byteLevel = false;
        var p = root.OptionalObject("pre_tokenizer");
        return p is { } fields ? Build(fields, ref byteLevel) : null;
    }

    private static IPreTokenizer Build(JsonFields p, ref bool byteLevel)
    {
        string type = p.String("type");
        switch (type)
        {
            case "Sequence":
                var stages = new List<IPreTokenizer>();
                foreach (var stage in p.Array("pretokenizers"))
                    stages.Add(Build(stage, ref byteLevel));
                return new SequencePreTokenizer(stages);
            case "Split":
                if (p.Bool("invert", false)) throw p.Error("Split with invert = true is not supported yet");
                string behavior = p.OptionalString("behavior") ?? "Isolated";
                if (behavior != "Isolated") throw p.Error($"Split behavior '{behavior}' is not supported yet (only Isolated)");
                var pattern = p.Object("pattern");
                string regex = pattern.OptionalString("Regex") ?? Regex.Escape(pattern.String("String"));
                return new RegexSplitPreTokenizer(regex);
            case "ByteLevel":
                byteLevel = true;
                var byteStages = new List<IPreTokenizer>();
                if (p.Bool("add_prefix_space", false)) byteStages.Add(PrefixSpacePreTokenizer.Instance);
                if (p.Bool("use_regex", true)) byteStages.Add(new RegexSplitPreTokenizer(PreTokenizerPatterns.Gpt2));
                return new SequencePreTokenizer(byteStages);
            case "Metaspace":
                string replacement = p.OptionalString("replacement") ?? "▁";
                if (replacement.Length != 1) throw p.Error("Metaspace replacement must be one character");
                var scheme = (p.OptionalString("prepend_scheme") ?? (p.Bool("add_prefix_space", true) ? "always" : "never")) switch
                {
                    "always" => PrependScheme.Always,
                    "never" => PrependScheme.Never,
                    "first" => PrependScheme.First,
                    var other => throw p.Error($"unknown Metaspace prepend_scheme '{other}'"),
                };
                return new MetaspacePreTokenizer(replacement[0], scheme, p.Bool("split", true));
            case "Digits":
                return new RegexSplitPreTokenizer(p.Bool("individual_digits", false) ? @"\p{N}" : @"\p{N}+");
            default:
                throw p.Error($"pre-tokenizer type '{type}' is not supported yet (supported: Sequence, Split, ByteLevel, Metaspace, Digits)");
        }
    }
}
