namespace InferenceServer.Tokenization.PreTokenization;

/// <summary>The split regexes of common byte-level BPE tokenizers, as their tokenizer.json files and llama.cpp spell them.</summary>
public static class PreTokenizerPatterns
{
    /// <summary>GPT-2 (tokenizer.json ByteLevel with use_regex, GGUF "gpt-2").</summary>
    /// <remarks>
    /// llama.cpp leaves out the final <c>|\s+</c>; the pieces are the same, because the only text it then fails to match
    /// is a lone tab or newline before a non-space, which the split keeps as a piece of its own either way.
    /// </remarks>
    public const string Gpt2 =
        @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <summary>Llama 3 (GGUF "llama3", "llama-bpe"): digits in groups of up to three.</summary>
    public const string Llama3 =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>Qwen2/Qwen3 (GGUF "qwen2"): single digits.</summary>
    public const string Qwen2 =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>llama.cpp's "default" byte-level split, first stage: runs of punctuation and a few symbols.</summary>
    public const string LlamaCppPunctuation = @"[\p{P}\$\+<=>\^~\|]+";

    /// <summary>Falcon's first stage: like <see cref="LlamaCppPunctuation"/> with the backtick.</summary>
    public const string FalconPunctuation = @"[\p{P}\$\+<=>\^~\|`]+";

    /// <summary>Runs of ASCII digits cut into triples (llama.cpp default and Falcon, last stage).</summary>
    public const string AsciiDigitTriples = "[0-9][0-9][0-9]";

    /// <summary>DeepSeek LLM and Coder: each line break on its own.</summary>
    public const string LineBreak = @"[\r\n]";

    /// <summary>
    /// DeepSeek LLM: an optional space and a run of cased letters (Latin, Greek, Cyrillic, Armenian, Georgian, Cherokee,
    /// Glagolitic, Coptic, fullwidth Latin, and outside the Basic Multilingual Plane Deseret, Osage, Old Hungarian,
    /// Warang Citi and Adlam).
    /// </summary>
    /// <remarks>
    /// Written with escapes because several of these characters (Ω U+2126, K U+212A, ι U+1FBE, ...) turn into others
    /// under NFC, and with the characters outside the Basic Multilingual Plane spelled as UTF-16 surrogate pairs, so
    /// the pattern is matched on raw text (<see cref="RegexSplitPreTokenizer"/> with matchesSurrogatePairs).
    /// </remarks>
    public const string DeepSeekLlmLetters =
        @"\s?(?:[A-Za-z\u00B5\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u01BA\u01BC-\u01BF\u01C4-\u0293\u0295-\u02AF\u0370-\u0373"
        + @"\u0376\u0377\u037B-\u037D\u037F\u0386\u0388-\u038A\u038C\u038E-\u03A1\u03A3-\u03F5\u03F7-\u0481\u048A-\u052F"
        + @"\u0531-\u0556\u10A0-\u10C5\u13A0-\u13F5\u13F8-\u13FD\u1C90-\u1CBA\u1CBD-\u1CBF\u1D00-\u1D2B\u1D6B-\u1D77"
        + @"\u1D79-\u1D9A\u1E00-\u1F15\u1F18-\u1F1D\u1F20-\u1F45\u1F48-\u1F4D\u1F50-\u1F57\u1F59\u1F5B\u1F5D\u1F5F-\u1F7D"
        + @"\u1F80-\u1FB4\u1FB6-\u1FBC\u1FBE\u1FC2-\u1FC4\u1FC6-\u1FCC\u1FD0-\u1FD3\u1FD6-\u1FDB\u1FE0-\u1FEC\u1FF2-\u1FF4"
        + @"\u1FF6-\u1FFC\u2102\u2107\u210A-\u2113\u2115\u2119-\u211D\u2124\u2126\u2128\u212A-\u212D\u212F-\u2134\u2139"
        + @"\u213C-\u213F\u2145-\u2149\u214E\u2183\u2184\u2C00-\u2C7B\u2C7E-\u2CE4\u2CEB-\u2CEE\u2CF2\u2CF3\uA640-\uA66D"
        + @"\uA680-\uA69B\uA722-\uA76F\uA771-\uA787\uA78B-\uA78E\uAB70-\uABBF\uFB00-\uFB06\uFB13-\uFB17\uFF21-\uFF3A\uFF41-\uFF5A]"
        // U+10400-1044F, U+104B0-104D3, U+104D8-104FB, U+10C80-10CB2, U+10CC0-10CF2, U+118A0-118DF, U+1E900-1E943
        + @"|\uD801[\uDC00-\uDC4F\uDCB0-\uDCD3\uDCD8-\uDCFB]|\uD803[\uDC80-\uDCB2\uDCC0-\uDCF2]|\uD806[\uDCA0-\uDCDF]"
        + @"|\uD83A[\uDD00-\uDD43])+";

    /// <summary>DeepSeek LLM: an optional space and a run of ASCII or fullwidth punctuation, curly quotes, ideographic space and marks.</summary>
    public const string DeepSeekLlmPunctuation = @"\s?[!-/:-~\uFF01-\uFF0F\uFF1A-\uFF5E\u2018-\u201F\u3000-\u3002]+";

    /// <summary>DeepSeek LLM: trailing whitespace of a piece (Rust's <c>$</c> is the end of the text, .NET's <c>\z</c>).</summary>
    public const string TrailingWhitespace = @"\s+\z";

    /// <summary>DeepSeek LLM and Coder: runs of CJK ideographs (U+4E00-9FA5), of U+0800-4E00, and of Hangul syllables up to U+D7FF.</summary>
    public const string DeepSeekCjk = @"[\u4E00-\u9FA5\u0800-\u4E00\uAC00-\uD7FF]+";

    /// <summary>DeepSeek Coder: an optional space and a run of letters.</summary>
    public const string SpaceLetters = @"\s?\p{L}+";

    /// <summary>DeepSeek Coder: an optional space and a run of punctuation.</summary>
    public const string SpacePunctuation = @"\s?\p{P}+";

    /// <summary>Single digits (DeepSeek Coder, StarCoder).</summary>
    public const string SingleDigit = @"\p{N}";

    /// <summary>Digit runs (llama.cpp default, DeepSeek LLM).</summary>
    public const string DigitRuns = @"\p{N}+";

    /// <summary>Digits in groups of up to three (DeepSeek V3).</summary>
    public const string DigitTriples = @"\p{N}{1,3}";

    /// <summary>DeepSeek V3: runs of CJK ideographs (U+4E00-9FA5), hiragana and katakana.</summary>
    public const string DeepSeekV3Cjk = @"[\u4E00-\u9FA5\u3040-\u309F\u30A0-\u30FF]+";

    /// <summary>DeepSeek V3's main split: punctuation glued to a following ASCII word, letters with marks, punctuation and symbols, whitespace.</summary>
    public const string DeepSeekV3 =
        @"[!""#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
}
