namespace InferenceServer.Grammars.Matching;

/// <summary>
/// The vocabulary as a trie of token byte strings, built once per tokenizer and shared by every request and grammar:
/// a mask walk follows one byte per edge, so tokens sharing a prefix share its matching work, and a dead prefix
/// rules out its whole subtree at once. Tokens with no bytes (special tokens) are not in it.
/// </summary>
public sealed class TokenTrie
{
    private readonly List<Node> _nodes = [new()];

    /// <param name="tokenBytes">Each token id's bytes (empty or null: the token has no text and is never allowed by a grammar).</param>
    public TokenTrie(IReadOnlyList<byte[]?> tokenBytes)
    {
        ArgumentNullException.ThrowIfNull(tokenBytes);
        VocabularySize = tokenBytes.Count;
        for (int id = 0; id < tokenBytes.Count; id++)
        {
            if (tokenBytes[id] is not { Length: > 0 } bytes) continue;
            int node = 0;
            foreach (byte b in bytes) node = Child(node, b, create: true);
            _nodes[node].Tokens.Add(id);
        }
        foreach (var node in _nodes) node.Freeze();
    }

    /// <summary>Token ids the vocabulary has, the ones not in the trie included.</summary>
    public int VocabularySize { get; }

    /// <summary>The root node's index.</summary>
    public static int Root => 0;

    /// <summary>The edges out of <paramref name="node"/>, as (byte, child node) in byte order.</summary>
    public ReadOnlySpan<(byte Byte, int Node)> Children(int node) => _nodes[node].Edges;

    /// <summary>The tokens whose bytes end exactly at <paramref name="node"/>.</summary>
    public ReadOnlySpan<int> TokensAt(int node) => _nodes[node].TokenIds;

    private int Child(int node, byte value, bool create)
    {
        var building = _nodes[node].Building;
        if (building.TryGetValue(value, out int child) || !create) return child;
        child = _nodes.Count;
        _nodes.Add(new Node());
        building[value] = child;
        return child;
    }

    private sealed class Node
    {
        public Dictionary<byte, int> Building { get; } = [];
        public List<int> Tokens { get; } = [];
        public (byte, int)[] Edges { get; private set; } = [];
        public int[] TokenIds { get; private set; } = [];

        public void Freeze()
        {
            Edges = [.. Building.OrderBy(e => e.Key).Select(e => (e.Key, e.Value))];
            TokenIds = [.. Tokens];
            Building.Clear();
            Tokens.Clear();
        }
    }
}
