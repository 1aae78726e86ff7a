using InferenceServer.Tokenization.Encoder;

namespace InferenceServer.Tokenization.Decoding;

/// <summary>
/// Every token's decoded UTF-8 bytes in one array, so decoding and streaming are table lookups and copies.
/// </summary>
internal sealed class TokenByteTable
{
    private readonly byte[] _bytes;
    private readonly int[] _offsets;
    private readonly LeadingSpaceRule _leading;
    // Only for LeadingSpaceRule.DropReplacement: each token as the first of the text, with its "▁"s dropped.
    private readonly TokenByteTable? _leadingTable;

    public TokenByteTable(IReadOnlyList<string?> tokens, TokenDecoding decoding)
    {
        _offsets = new int[tokens.Count + 1];
        var all = new List<byte>(tokens.Count * 6);
        for (int id = 0; id < tokens.Count; id++)
        {
            _offsets[id] = all.Count;
            if (tokens[id] is { } token) AppendTokenBytes(token, decoding, all);
        }
        _offsets[tokens.Count] = all.Count;
        _bytes = [.. all];
        _leading = decoding.Leading;
        if (_leading == LeadingSpaceRule.DropReplacement)
        {
            string replacement = decoding.Replacement.ToString();
            _leadingTable = new TokenByteTable(
                [.. tokens.Select(t => t is null || TryParseByteToken(t, out _) ? t : t.Replace(replacement, "", StringComparison.Ordinal))],
                decoding with { Leading = LeadingSpaceRule.None });
        }
    }

    public int Count => _offsets.Length - 1;

    public ReadOnlySpan<byte> this[int id] =>
        (uint)id < (uint)Count ? _bytes.AsSpan(_offsets[id], _offsets[id + 1] - _offsets[id]) : default;

    /// <summary>The bytes of <paramref name="id"/> when it is the first token of the decoded text.</summary>
    public ReadOnlySpan<byte> Leading(int id)
    {
        var bytes = this[id];
        return _leading switch
        {
            LeadingSpaceRule.StripOneSpace when !bytes.IsEmpty && bytes[0] == (byte)' ' => bytes[1..],
            LeadingSpaceRule.DropReplacement => _leadingTable![id],
            _ => bytes,
        };
    }

    internal static void AppendTokenBytes(string token, TokenDecoding decoding, List<byte> output)
    {
        switch (decoding.Form)
        {
            case TokenTextForm.Metaspace:
                if (decoding.ByteFallback && TryParseByteToken(token, out byte b))
                {
                    output.Add(b);
                    return;
                }
                output.AddRange(System.Text.Encoding.UTF8.GetBytes(token.Replace(decoding.Replacement, ' ')));
                return;
            case TokenTextForm.ByteLevel:
                // Hugging Face's ByteLevel decoder maps every character back to its byte; a token with any character
                // outside the alphabet (an added token such as "<|im_start|>" is inside it) passes through as UTF-8.
                int start = output.Count;
                foreach (char c in token)
                {
                    if (!ByteLevelAlphabet.TryGetByte(c, out byte mapped))
                    {
                        output.RemoveRange(start, output.Count - start);
                        output.AddRange(System.Text.Encoding.UTF8.GetBytes(token));
                        return;
                    }
                    output.Add(mapped);
                }
                return;
            default:
                output.AddRange(System.Text.Encoding.UTF8.GetBytes(token));
                return;
        }
    }

    /// <summary>Parses a byte-fallback token "&lt;0xXX&gt;".</summary>
    public static bool TryParseByteToken(string token, out byte value)
    {
        value = 0;
        return token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
            && byte.TryParse(token.AsSpan(3, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out value);
    }

    /// <summary>Decodes concatenated token bytes, as <see cref="ITextTokenizer.Decode"/> does.</summary>
    public static string DecodeUtf8(ReadOnlySpan<byte> bytes) => bytes.IsEmpty ? "" : System.Text.Encoding.UTF8.GetString(bytes);
}
