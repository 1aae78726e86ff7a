using InferenceServer.KvCache.Blocks;

namespace InferenceServer.KvCache.Tests.Blocks;

public class FreeBlockQueueTests
{
    [Fact]
    public void Starts_full_in_id_order()
    {
        var q = new FreeBlockQueue(4);
        Assert.Equal(4, q.Count);
        Assert.Equal([0, 1, 2, 3], Drain(q));
    }

    [Fact]
    public void Push_back_is_popped_last_and_push_front_first()
    {
        var q = new FreeBlockQueue(4);
        Drain(q);
        q.PushBack(2);
        q.PushBack(0);
        q.PushFront(3);
        q.PushBack(1);
        Assert.Equal([3, 2, 0, 1], Drain(q));
    }

    [Fact]
    public void Remove_from_the_middle_keeps_the_rest_linked()
    {
        var q = new FreeBlockQueue(5);
        q.Remove(2);
        q.Remove(0);
        q.Remove(4);
        Assert.False(q.Contains(2));
        Assert.Equal(2, q.Count);
        Assert.Equal([1, 3], Drain(q));
    }

    [Fact]
    public void Linking_twice_or_removing_an_absent_block_throws()
    {
        var q = new FreeBlockQueue(3);
        Assert.Throws<InvalidOperationException>(() => q.PushBack(1));
        q.Remove(1);
        Assert.Throws<InvalidOperationException>(() => q.Remove(1));
        Drain(q);
        Assert.Throws<InvalidOperationException>(() => q.PopFront());
        Assert.Equal(-1, q.Head);
    }

    private static List<int> Drain(FreeBlockQueue q)
    {
        var order = new List<int>();
        while (q.Count > 0) order.Add(q.PopFront());
        return order;
    }
}
