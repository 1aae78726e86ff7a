using System.Text;

namespace InferenceServer.Tokenization;

/// <summary>
/// Turns generated ids into text as they arrive. Pieces never end inside a UTF-8 character (a partial character's
/// bytes wait for the next token), and the pieces plus <see cref="Flush"/> concatenate to exactly
/// <see cref="ITextTokenizer.Decode"/> of all ids, leading-space strip and special-token skipping included.
/// </summary>
public sealed class IncrementalDetokenizer
{
    private readonly ITextTokenizer _tokenizer;
    private readonly bool _skipSpecialTokens;
    private byte[] _pending = new byte[64];
    private char[] _chars = new char[64];
    private int _pendingLength;
    private bool _seenText;

    public IncrementalDetokenizer(ITextTokenizer tokenizer, bool skipSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        _tokenizer = tokenizer;
        _skipSpecialTokens = skipSpecialTokens;
    }

    /// <summary>Bytes held back because they end in an incomplete character.</summary>
    public int PendingByteCount => _pendingLength;

    /// <summary>Adds one id; returns the text it completes (often empty, never a partial character).</summary>
    public string Add(int id)
    {
        int complete = Push(id);
        if (complete == 0) return "";
        string text = Encoding.UTF8.GetString(_pending, 0, complete);
        Consume(complete);
        return text;
    }

    /// <summary>Adds one id and appends the text it completes to <paramref name="output"/>, allocating nothing per token.</summary>
    public void Add(int id, StringBuilder output)
    {
        ArgumentNullException.ThrowIfNull(output);
        int complete = Push(id);
        if (complete == 0) return;
        int needed = Encoding.UTF8.GetMaxCharCount(complete);
        if (_chars.Length < needed) _chars = new char[Math.Max(needed, _chars.Length * 2)];
        int n = Encoding.UTF8.GetChars(_pending, 0, complete, _chars, 0);
        output.Append(_chars, 0, n);
        Consume(complete);
    }

    // Queues the token's bytes; returns how many leading pending bytes form whole characters.
    private int Push(int id)
    {
        if (_skipSpecialTokens && _tokenizer.IsSpecial(id)) return 0;
        var bytes = _tokenizer.TokenBytes(id);
        if (bytes.IsEmpty) return 0;
        if (!_seenText)
        {
            // The first token of the text may decode differently (its prepended space dropped), as in Decode.
            _seenText = true;
            bytes = _tokenizer.LeadingTokenBytes(id);
        }
        Append(bytes);
        return CompleteLength(_pending.AsSpan(0, _pendingLength));
    }

    private void Consume(int count)
    {
        _pending.AsSpan(count, _pendingLength - count).CopyTo(_pending);
        _pendingLength -= count;
    }

    /// <summary>Ends the sequence: returns held-back bytes (an unfinished character decodes to U+FFFD, as in Decode) and resets.</summary>
    public string Flush()
    {
        string text = _pendingLength == 0 ? "" : Encoding.UTF8.GetString(_pending, 0, _pendingLength);
        Reset();
        return text;
    }

    /// <summary>Forgets everything, ready for a new sequence.</summary>
    public void Reset()
    {
        _pendingLength = 0;
        _seenText = false;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_pendingLength + bytes.Length > _pending.Length)
            Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _pendingLength + bytes.Length));
        bytes.CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength += bytes.Length;
    }

    /// <summary>
    /// The length of the longest prefix that does not end in a well-formed but unfinished UTF-8 sequence. Cutting there
    /// decodes the same as decoding everything at once: the held-back tail starts with a lead byte, which ends any
    /// invalid sequence before it in both cases.
    /// </summary>
    internal static int CompleteLength(ReadOnlySpan<byte> bytes)
    {
        int start = bytes.Length - 1;
        // Walk back over at most three continuation bytes to the last possible lead byte.
        while (start >= 0 && bytes.Length - start <= 3 && (bytes[start] & 0xC0) == 0x80) start--;
        if (start < 0 || bytes.Length - start > 3) return bytes.Length;
        var status = Rune.DecodeFromUtf8(bytes[start..], out _, out _);
        return status == System.Buffers.OperationStatus.NeedMoreData ? start : bytes.Length;
    }
}
