using InferenceServer.Grammars.Ir;

namespace InferenceServer.Grammars.Matching;

/// <summary>
/// Follows a byte string through a grammar one byte at a time by Earley's algorithm (with Aycock and Horspool's
/// nullable fix, so left recursion and empty rules need no special form). A byte that no sentence allows is refused
/// and leaves the state as it was; <see cref="Rollback"/> undoes accepted bytes, which is how a token-mask walk
/// tries each branch of the vocabulary trie and how a preempted request rewinds. Plain and unoptimized: the reference
/// that faster matchers are checked against.
/// </summary>
public sealed class EarleyMatcher
{
    private readonly Grammar _grammar;
    private readonly bool[] _nullable;
    private readonly List<HashSet<Item>> _sets = [];

    public EarleyMatcher(Grammar grammar)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        _grammar = grammar;
        _nullable = Nullable(grammar);
        var start = new HashSet<Item>();
        _sets.Add(start);
        for (int a = 0; a < grammar.Rules[grammar.Root].Alternatives.Count; a++) start.Add(new Item(grammar.Root, a, 0, 0));
        Close(0);
    }

    /// <summary>Bytes accepted so far.</summary>
    public int Position => _sets.Count - 1;

    /// <summary>Whether the bytes so far form a complete sentence.</summary>
    public bool IsAccepting => _sets[^1].Any(IsCompleteRoot);

    /// <summary>Whether <paramref name="input"/> is a complete sentence of <paramref name="grammar"/>.</summary>
    public static bool Accepts(Grammar grammar, ReadOnlySpan<byte> input)
    {
        var matcher = new EarleyMatcher(grammar);
        return matcher.TryAdvance(input) && matcher.IsAccepting;
    }

    /// <summary>Whether <paramref name="input"/> can still be extended into a sentence of <paramref name="grammar"/>.</summary>
    public static bool AcceptsPrefix(Grammar grammar, ReadOnlySpan<byte> input) => new EarleyMatcher(grammar).TryAdvance(input);

    /// <summary>Accepts <paramref name="value"/> if some sentence continues with it; otherwise returns false and changes nothing.</summary>
    public bool TryAdvance(byte value)
    {
        var next = new HashSet<Item>();
        foreach (var item in _sets[^1])
            if (Next(item) is { IsByteRange: true } element && element.Matches(value)) next.Add(item with { Dot = item.Dot + 1 });
        if (next.Count == 0) return false;
        _sets.Add(next);
        Close(_sets.Count - 1);
        return true;
    }

    /// <summary>Accepts all of <paramref name="bytes"/> or, at the first refused byte, none of them.</summary>
    public bool TryAdvance(ReadOnlySpan<byte> bytes)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            if (TryAdvance(bytes[i])) continue;
            Rollback(i);
            return false;
        }
        return true;
    }

    /// <summary>Undoes the last <paramref name="bytes"/> accepted bytes.</summary>
    public void Rollback(int bytes)
    {
        if ((uint)bytes > (uint)Position) throw new ArgumentOutOfRangeException(nameof(bytes), $"cannot roll back {bytes} of {Position} bytes");
        _sets.RemoveRange(_sets.Count - bytes, bytes);
    }

    private readonly record struct Item(int Rule, int Alternative, int Dot, int Origin);

    private bool IsCompleteRoot(Item item) =>
        item.Rule == _grammar.Root && item.Origin == 0 && item.Dot == _grammar.Rules[item.Rule].Alternatives[item.Alternative].Count;

    private GrammarElement? Next(Item item)
    {
        var sequence = _grammar.Rules[item.Rule].Alternatives[item.Alternative];
        return item.Dot < sequence.Count ? sequence[item.Dot] : null;
    }

    // Prediction and completion to a fixed point over set `at`.
    private void Close(int at)
    {
        var set = _sets[at];
        var work = new Queue<Item>(set);
        void Add(Item item)
        {
            if (set.Add(item)) work.Enqueue(item);
        }
        while (work.Count > 0)
        {
            var item = work.Dequeue();
            var next = Next(item);
            if (next is { IsByteRange: false } reference)
            {
                for (int a = 0; a < _grammar.Rules[reference.Rule].Alternatives.Count; a++) Add(new Item(reference.Rule, a, 0, at));
                if (_nullable[reference.Rule]) Add(item with { Dot = item.Dot + 1 });
            }
            else if (next is null)
            {
                foreach (var waiting in _sets[item.Origin].ToList())
                    if (Next(waiting) is { IsByteRange: false } r && r.Rule == item.Rule) Add(waiting with { Dot = waiting.Dot + 1 });
            }
        }
    }

    private static bool[] Nullable(Grammar grammar)
    {
        var nullable = new bool[grammar.Rules.Count];
        for (bool changed = true; changed;)
        {
            changed = false;
            for (int r = 0; r < grammar.Rules.Count; r++)
            {
                if (nullable[r]) continue;
                if (grammar.Rules[r].Alternatives.Any(alt => alt.All(e => !e.IsByteRange && nullable[e.Rule])))
                {
                    nullable[r] = true;
                    changed = true;
                }
            }
        }
        return nullable;
    }
}
