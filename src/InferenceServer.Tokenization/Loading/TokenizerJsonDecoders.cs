using InferenceServer.Core.Json;
using InferenceServer.Tokenization.Decoding;

namespace InferenceServer.Tokenization.Loading;

/// <summary>Reduces tokenizer.json's "decoder" to a <see cref="TokenDecoding"/>.</summary>
internal static class TokenizerJsonDecoders
{
    public static TokenDecoding Read(JsonFields root)
    {
        var d = root.OptionalObject("decoder");
        var state = new State();
        if (d is { } fields) Apply(fields, state);
        return new TokenDecoding(state.Form, state.ByteFallback, state.Leading, state.Replacement);
    }

    private sealed class State
    {
        public TokenTextForm Form = TokenTextForm.Plain;
        public bool ByteFallback;
        public LeadingSpaceRule Leading;
        public char Replacement = '▁';
    }

    private static void Apply(JsonFields d, State state)
    {
        string type = d.String("type");
        switch (type)
        {
            case "Sequence":
                foreach (var inner in d.Array("decoders")) Apply(inner, state);
                return;
            case "Replace":
                var pattern = d.Object("pattern");
                string? from = pattern.OptionalString("String");
                if (from is not { Length: 1 } || d.String("content") != " ")
                    throw d.Error("only Replace decoders turning one character into a space are supported");
                state.Form = TokenTextForm.Metaspace;
                state.Replacement = from[0];
                return;
            case "ByteFallback":
                state.ByteFallback = true;
                return;
            case "Fuse":
                return; // joining token strings changes nothing for byte concatenation
            case "Strip":
                if (d.String("content") != " " || (d.OptionalInt("stop") ?? 0) != 0 || (d.OptionalInt("start") ?? 0) > 1)
                    throw d.Error("only Strip decoders removing one leading space are supported");
                if ((d.OptionalInt("start") ?? 0) == 1) state.Leading = LeadingSpaceRule.StripOneSpace;
                return;
            case "Metaspace":
                state.Form = TokenTextForm.Metaspace;
                string replacement = d.OptionalString("replacement") ?? "▁";
                if (replacement.Length != 1) throw d.Error("Metaspace replacement must be one character");
                state.Replacement = replacement[0];
                string scheme = d.OptionalString("prepend_scheme") ?? (d.Bool("add_prefix_space", true) ? "always" : "never");
                // Hugging Face drops every "▁" of the first token, not only a leading one.
                if (scheme != "never") state.Leading = LeadingSpaceRule.DropReplacement;
                return;
            case "ByteLevel":
                state.Form = TokenTextForm.ByteLevel;
                return;
            default:
                throw d.Error($"decoder type '{type}' is not supported yet (supported: Sequence, Replace, ByteFallback, Fuse, Strip, Metaspace, ByteLevel)");
        }
    }
}
