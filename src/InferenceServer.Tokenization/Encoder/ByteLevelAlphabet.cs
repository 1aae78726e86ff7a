namespace InferenceServer.Tokenization.Encoder;

/// <summary>
/// GPT-2's bytes_to_unicode: every byte as a printable character (printable Latin-1 bytes as themselves, the rest
/// shifted to U+0100 and up), the alphabet byte-level BPE vocabularies are written in.
/// </summary>
public static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = BuildByteToChar();
    private static readonly Dictionary<char, byte> CharToByte =
        Enumerable.Range(0, 256).ToDictionary(b => ByteToChar[b], b => (byte)b);

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        int shifted = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = printable ? (char)b : (char)(256 + shifted++);
        }
        return map;
    }

    /// <summary>The character standing for <paramref name="b"/>.</summary>
    public static char ToChar(byte b) => ByteToChar[b];

    /// <summary>The byte <paramref name="c"/> stands for, if it is in the alphabet.</summary>
    public static bool TryGetByte(char c, out byte b) => CharToByte.TryGetValue(c, out b);
}
