namespace InferenceServer.Tokenization;

/// <summary>Text to token ids and back, as the engine needs it: encoding prompts, decoding and streaming generated ids.</summary>
public interface ITextTokenizer
{
    /// <summary>Number of ids the tokenizer knows (model vocabulary plus added tokens; ids above the highest known one decode to nothing).</summary>
    int VocabSize { get; }

    /// <summary>The beginning-of-sequence id, or null when the tokenizer has none.</summary>
    int? BosTokenId { get; }

    /// <summary>Ids that end generation: the tokenizer's end-of-sequence token first, then any others the model declares.</summary>
    IReadOnlyList<int> EosTokenIds { get; }

    /// <summary>Whether <see cref="Encode"/> puts <see cref="BosTokenId"/> first when asked to add special tokens.</summary>
    bool AddBosToken { get; }

    /// <summary>Whether <see cref="Encode"/> appends the end-of-sequence token when asked to add special tokens.</summary>
    bool AddEosToken { get; }

    /// <summary>
    /// Whether decoding changes the first token of the text (SentencePiece-style tokenizers drop the space the encoder
    /// prepended); see <see cref="LeadingTokenBytes"/>.
    /// </summary>
    bool StripsLeadingSpace { get; }

    /// <summary>Tokens matched in raw text before the model runs (specials such as &lt;|im_start|&gt; and non-special added tokens such as &lt;think&gt;).</summary>
    IReadOnlyList<AddedToken> AddedTokens { get; }

    /// <summary>
    /// Encodes <paramref name="text"/>. <paramref name="addSpecialTokens"/> adds BOS/EOS as the tokenizer is configured to;
    /// <paramref name="parseSpecialTokens"/> = false treats the text of special tokens as plain text (for untrusted input).
    /// </summary>
    int[] Encode(string text, bool addSpecialTokens = true, bool parseSpecialTokens = true);

    /// <summary>Decodes ids to text; unknown ids decode to nothing.</summary>
    string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = true);

    /// <summary>Whether <paramref name="id"/> is a special (control) token, skipped when decoding with skipSpecialTokens.</summary>
    bool IsSpecial(int id);

    /// <summary>The token's string in the vocabulary's own alphabet (e.g. "▁Once", "Ġhello"), or null for an unknown id.</summary>
    string? IdToToken(int id);

    /// <summary>The id of a vocabulary or added token given in the vocabulary's own alphabet, or null.</summary>
    int? TokenToId(string token);

    /// <summary>
    /// The UTF-8 bytes the token contributes to decoded text (before the leading-space strip); empty for unknown ids.
    /// A byte-fallback or byte-level token may hold part of a character.
    /// </summary>
    ReadOnlySpan<byte> TokenBytes(int id);

    /// <summary>
    /// The bytes the token contributes when it starts the decoded text: the first non-skipped token with non-empty
    /// <see cref="TokenBytes"/>. Equal to TokenBytes unless <see cref="StripsLeadingSpace"/>.
    /// </summary>
    ReadOnlySpan<byte> LeadingTokenBytes(int id);
}
