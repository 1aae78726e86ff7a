using InferenceServer.KvCache.Hashing;
using InferenceServer.KvCache.Sequences;

namespace InferenceServer.KvCache.Tests.Properties;

/// <summary>
/// A seeded random workload against the block manager, checked against a model of what every slot holds:
/// requests arrive with shared prefixes in a few namespaces, are prefilled in random chunks, decode, and are
/// freed at random (finished, cancelled or preempted) while the pool runs full.
/// </summary>
internal sealed class RandomWorkload
{
    private static readonly CacheNamespace[] Namespaces =
    [
        new("m@1"),
        new("m@1", AdapterId: "lora-a"),
        new("m@2"),
        new("m@1", CacheSalt: "tenant-x"),
    ];

    private readonly KvCacheManager _kv;
    private readonly Random _rng;
    private readonly ShadowKv _shadow;
    private readonly int[][] _groupPrefixes;
    private readonly int[][] _phrases;
    private readonly List<Live> _live = [];
    private long _nextId;

    public RandomWorkload(KvCacheManager kv, int seed)
    {
        _kv = kv;
        _rng = new Random(seed);
        _shadow = new ShadowKv(kv.NumBlocks * kv.BlockSize);
        _groupPrefixes = new int[6][];
        for (int g = 0; g < _groupPrefixes.Length; g++)
        {
            // Half the prefixes end on a block boundary, so common phrases after them fill whole blocks.
            int length = _rng.Next(0, 6 * kv.BlockSize);
            if (g % 2 == 0) length -= length % kv.BlockSize;
            _groupPrefixes[g] = RandomTokens(length);
        }
        _phrases = [RandomTokens(2 * kv.BlockSize), RandomTokens(2 * kv.BlockSize)];
    }

    public int AllocationFailures { get; private set; }
    public int AppendFailures { get; private set; }
    public int Admitted { get; private set; }
    public long HitTokensVerified { get; private set; }

    public void Run(int operations)
    {
        for (int op = 0; op < operations; op++)
        {
            double r = _rng.NextDouble();
            if (r < 0.3 || _live.Count == 0) Arrive();
            else if (r < 0.85) Step(_live[_rng.Next(_live.Count)]);
            else Free(_live[_rng.Next(_live.Count)]);
            CheckInvariants();
        }
        while (_live.Count > 0) Free(_live[_rng.Next(_live.Count)]);
        CheckInvariants();
        Assert.Equal(_kv.NumBlocks, _kv.FreeBlockCount);
        for (int b = 0; b < _kv.NumBlocks; b++) Assert.Equal(0, _kv.Pool.RefCount(b));
    }

    private void Arrive()
    {
        int nsIndex = _rng.Next(10) < 7 ? 0 : _rng.Next(Namespaces.Length);
        var prefix = _groupPrefixes[_rng.Next(_groupPrefixes.Length)];
        // Some requests repeat a prefix partly (diverging inside a block), most fully.
        int take = _rng.Next(4) == 0 ? _rng.Next(prefix.Length + 1) : prefix.Length;
        int suffix = _rng.Next(1, 3 * _kv.BlockSize);
        int output = _rng.Next(0, 2 * _kv.BlockSize);
        var tokens = new int[take + suffix + output];
        prefix.AsSpan(0, take).CopyTo(tokens);
        for (int i = take; i < tokens.Length; i++) tokens[i] = _rng.Next(50);
        // The same phrase after different prefixes: equal blocks whose KV differs (only the parent tells).
        if (_rng.Next(3) == 0)
        {
            var phrase = _phrases[_rng.Next(_phrases.Length)];
            phrase.AsSpan(0, Math.Min(phrase.Length, tokens.Length - take)).CopyTo(tokens.AsSpan(take));
        }
        var live = new Live(new SequenceId(_nextId++), tokens, take + suffix, nsIndex);

        int freeBefore = _kv.FreeBlockCount;
        var statsBefore = _kv.Stats;
        int chunk = _rng.Next(3) == 0 ? _rng.Next(1, live.PromptLength + 1) : int.MaxValue;
        if (!_kv.TryAllocate(live.Id, live.Tokens.AsSpan(0, live.PromptLength), Namespaces[nsIndex], out int cached, chunk))
        {
            AllocationFailures++;
            Assert.False(_kv.Contains(live.Id));
            Assert.Equal(freeBefore, _kv.FreeBlockCount);
            Assert.Equal(statsBefore, _kv.Stats);
            return;
        }
        Admitted++;
        Assert.Equal(0, cached % _kv.BlockSize);
        Assert.InRange(cached, 0, live.PromptLength - 1);
        Assert.Equal(cached, _kv.CommittedTokens(live.Id));
        // Every reused slot must hold exactly the KV this request would have computed.
        for (int pos = 0; pos < cached; pos++)
            Assert.Equal(live.Fingerprints[pos], _shadow[_kv.SlotFor(live.Id, pos)]);
        HitTokensVerified += cached;
        MarkNewBlocksGarbage(live, cached / _kv.BlockSize);
        live.Computed = cached;
        _live.Add(live);
    }

    private void Step(Live live)
    {
        int slots = _kv.SlotCount(live.Id);
        if (live.Computed < slots)
        {
            // The forward pass: write KV for the scheduled positions, then commit.
            for (int pos = live.Computed; pos < slots; pos++)
            {
                int slot = _kv.SlotFor(live.Id, pos);
                Assert.Equal(1, _kv.Pool.RefCount(slot / _kv.BlockSize)); // never write a shared block
                _shadow[slot] = live.Fingerprints[pos];
            }
            live.Computed = slots;
            _kv.CommitFullBlocks(live.Id, live.Tokens.AsSpan(0, slots));
            return;
        }
        if (slots == live.Tokens.Length)
        {
            Free(live);
            return;
        }
        int blocksBefore = _kv.BlockTable(live.Id).Length;
        int freeBefore = _kv.FreeBlockCount;
        int grow = slots < live.PromptLength ? _rng.Next(1, live.PromptLength - slots + 1) : 1;
        if (!_kv.AppendSlots(live.Id, grow))
        {
            AppendFailures++;
            Assert.Equal(slots, _kv.SlotCount(live.Id));
            Assert.Equal(freeBefore, _kv.FreeBlockCount);
            // Preempt, as a scheduler would: free and forget it (its committed prefix may stay cached).
            Free(live);
            return;
        }
        MarkNewBlocksGarbage(live, blocksBefore);
    }

    private int[] RandomTokens(int count)
    {
        var t = new int[count];
        for (int i = 0; i < count; i++) t[i] = _rng.Next(50);
        return t;
    }

    private void Free(Live live)
    {
        _kv.Free(live.Id);
        _live.Remove(live);
    }

    // A freshly handed-out block is about to be overwritten: anyone reusing it before then reads garbage.
    private void MarkNewBlocksGarbage(Live live, int fromBlock)
    {
        var table = _kv.BlockTable(live.Id);
        for (int i = fromBlock; i < table.Length; i++)
            for (int j = 0; j < _kv.BlockSize; j++) _shadow[table[i] * _kv.BlockSize + j] = ShadowKv.Garbage;
    }

    private void CheckInvariants()
    {
        int n = _kv.NumBlocks, bs = _kv.BlockSize;
        var holders = new int[n];
        var firstOwner = new (Live? Seq, int Index)[n];
        foreach (var live in _live)
        {
            var table = _kv.BlockTable(live.Id);
            int committed = _kv.CommittedTokens(live.Id) / bs;
            Assert.Equal((_kv.SlotCount(live.Id) + bs - 1) / bs, table.Length);
            var seen = new HashSet<int>();
            for (int i = 0; i < table.Length; i++)
            {
                int b = table[i];
                Assert.True(seen.Add(b), $"block {b} twice in one table");
                holders[b]++;
                if (firstOwner[b].Seq is not { } other)
                {
                    firstOwner[b] = (live, i);
                    continue;
                }
                // A block held by two live sequences: a full, committed block at the same position in both,
                // holding the same tokens and the same KV for both.
                Assert.Equal(firstOwner[b].Index, i);
                Assert.True(i < committed, $"block {b} shared beyond the committed prefix");
                Assert.True(i < _kv.CommittedTokens(other.Id) / bs);
                Assert.True(_kv.Pool.Tokens(b).SequenceEqual(live.Tokens.AsSpan(i * bs, bs)));
                Assert.True(_kv.Pool.Tokens(b).SequenceEqual(other.Tokens.AsSpan(i * bs, bs)));
                Assert.Equal(live.Fingerprints[i * bs + bs - 1], other.Fingerprints[i * bs + bs - 1]);
                Assert.Equal(live.Fingerprints[i * bs + bs - 1], _shadow[b * bs + bs - 1]);
            }
        }
        int zero = 0;
        for (int b = 0; b < n; b++)
        {
            Assert.Equal(holders[b], _kv.Pool.RefCount(b));
            Assert.Equal(holders[b] == 0, _kv.Pool.IsFree(b));
            if (holders[b] == 0) zero++;
        }
        Assert.Equal(zero, _kv.FreeBlockCount);
    }

    private sealed class Live(SequenceId id, int[] tokens, int promptLength, int nsIndex)
    {
        public SequenceId Id { get; } = id;
        public int[] Tokens { get; } = tokens;
        public int PromptLength { get; } = promptLength;
        public long[] Fingerprints { get; } = ShadowKv.Prefixes(nsIndex, tokens);
        public int Computed { get; set; }
    }
}
