namespace InferenceServer.Tokenization;

/// <summary>The role of a vocabulary entry; numbering follows SentencePiece and GGUF tokenizer.ggml.token_type.</summary>
public enum TokenType
{
    /// <summary>Not given (treated like <see cref="Normal"/>).</summary>
    Undefined = 0,
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}
