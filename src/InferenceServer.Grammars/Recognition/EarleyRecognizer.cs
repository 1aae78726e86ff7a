using InferenceServer.Grammars.Ir;

namespace InferenceServer.Grammars.Recognition;

/// <summary>
/// Decides whether a whole byte string, or a prefix of one, belongs to a grammar, by Earley's algorithm (with
/// Aycock and Horspool's nullable fix, so left recursion and empty rules need no special form). It is the plain
/// reference the fast token-mask matchers are checked against, not the decoding path.
/// </summary>
public sealed class EarleyRecognizer
{
    private readonly Grammar _grammar;
    private readonly bool[] _nullable;

    public EarleyRecognizer(Grammar grammar)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        _grammar = grammar;
        _nullable = Nullable(grammar);
    }

    /// <summary>Whether <paramref name="input"/> is a complete sentence of the grammar.</summary>
    public bool Accepts(ReadOnlySpan<byte> input) => Run(input) is { } last && last.Any(IsCompleteRoot);

    /// <summary>Whether <paramref name="input"/> can still be extended into a sentence (every sentence's prefix is one).</summary>
    public bool AcceptsPrefix(ReadOnlySpan<byte> input) => Run(input) is { Count: > 0 };

    private readonly record struct Item(int Rule, int Alternative, int Dot, int Origin);

    private bool IsCompleteRoot(Item item) =>
        item.Rule == _grammar.Root && item.Origin == 0 && item.Dot == _grammar.Rules[item.Rule].Alternatives[item.Alternative].Count;

    // The item set after the whole input, or null when some byte left no item alive.
    private HashSet<Item>? Run(ReadOnlySpan<byte> input)
    {
        var sets = new List<HashSet<Item>> { new() };
        Predict(sets, 0, _grammar.Root);
        Close(sets, 0);
        for (int i = 0; i < input.Length; i++)
        {
            var next = new HashSet<Item>();
            foreach (var item in sets[i])
                if (Next(item) is { IsByteRange: true } element && element.Matches(input[i])) next.Add(item with { Dot = item.Dot + 1 });
            if (next.Count == 0) return null;
            sets.Add(next);
            Close(sets, i + 1);
        }
        return sets[^1];
    }

    private GrammarElement? Next(Item item)
    {
        var sequence = _grammar.Rules[item.Rule].Alternatives[item.Alternative];
        return item.Dot < sequence.Count ? sequence[item.Dot] : null;
    }

    private void Predict(List<HashSet<Item>> sets, int at, int rule)
    {
        for (int a = 0; a < _grammar.Rules[rule].Alternatives.Count; a++) sets[at].Add(new Item(rule, a, 0, at));
    }

    // Prediction and completion to a fixed point over set `at`.
    private void Close(List<HashSet<Item>> sets, int at)
    {
        var set = sets[at];
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
                foreach (var waiting in sets[item.Origin].ToList())
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
