namespace InferenceServer.Grammars.Ir;

/// <summary>
/// One symbol of a grammar sequence: a set of bytes given as an inclusive range (<see cref="IsByteRange"/>), or a
/// reference to a rule. Grammars are byte-level so they hold for every tokenizer, tokens that split a UTF-8
/// character included; a character class becomes alternatives of byte-range sequences.
/// </summary>
public readonly record struct GrammarElement
{
    private GrammarElement(int rule, byte low, byte high)
    {
        Rule = rule;
        Low = low;
        High = high;
    }

    /// <summary>The referenced rule's index, or -1 for a byte range.</summary>
    public int Rule { get; }

    /// <summary>Lowest byte of the range.</summary>
    public byte Low { get; }

    /// <summary>Highest byte of the range (inclusive).</summary>
    public byte High { get; }

    public bool IsByteRange => Rule < 0;

    public static GrammarElement Bytes(byte low, byte high) =>
        low <= high ? new GrammarElement(-1, low, high) : throw new ArgumentException($"empty byte range {low:X2}-{high:X2}");

    public static GrammarElement Byte(byte value) => new(-1, value, value);

    public static GrammarElement RuleRef(int rule) =>
        rule >= 0 ? new GrammarElement(rule, 0, 0) : throw new ArgumentOutOfRangeException(nameof(rule));

    /// <summary>Whether <paramref name="value"/> matches this byte range.</summary>
    public bool Matches(byte value) => IsByteRange && value >= Low && value <= High;

    public override string ToString() => IsByteRange ? (Low == High ? $"\\x{Low:X2}" : $"[\\x{Low:X2}-\\x{High:X2}]") : $"<{Rule}>";
}
