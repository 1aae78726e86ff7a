namespace InferenceServer.Tokenization.Decoding;

/// <summary>How token strings turn into text bytes (the Hugging Face decoder, reduced to what a token contributes).</summary>
public enum TokenTextForm
{
    /// <summary>The token string is the text.</summary>
    Plain,
    /// <summary>SentencePiece style: "▁" stands for a space; &lt;0xXX&gt; tokens are single bytes when byte fallback is on.</summary>
    Metaspace,
    /// <summary>GPT-2 byte-level: each character stands for one byte.</summary>
    ByteLevel,
}

/// <summary>What decoding does to the first token of the text, undoing the space the encoder prepended.</summary>
public enum LeadingSpaceRule
{
    None,
    /// <summary>One leading space is removed (Hugging Face "Strip" decoder, SentencePiece, llama.cpp).</summary>
    StripOneSpace,
    /// <summary>Every "▁" of the first token is dropped (Hugging Face "Metaspace" decoder).</summary>
    DropReplacement,
}

/// <summary>A tokenizer's decoder: the token text form, byte fallback, and the rule for the first token.</summary>
public sealed record TokenDecoding(TokenTextForm Form, bool ByteFallback, LeadingSpaceRule Leading, char Replacement = '▁');
