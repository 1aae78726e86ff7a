namespace InferenceServer.Tokenization;

/// <summary>
/// A token matched in text before the model runs, as in Hugging Face's added_tokens. <paramref name="Special"/> ones are
/// control tokens (skipped when decoding); <paramref name="Normalized"/> ones are matched in normalized text;
/// <paramref name="LeftStrip"/>/<paramref name="RightStrip"/> absorb neighbouring whitespace; <paramref name="SingleWord"/>
/// matches only when not inside a word.
/// </summary>
public sealed record AddedToken(
    int Id,
    string Content,
    bool Special,
    bool Normalized = false,
    bool LeftStrip = false,
    bool RightStrip = false,
    bool SingleWord = false);
