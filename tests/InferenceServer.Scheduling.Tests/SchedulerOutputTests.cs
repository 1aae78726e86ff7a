using System.Reflection;
using InferenceServer.KvCache;
using InferenceServer.KvCache.Sequences;
using InferenceServer.Scheduling.Tests.Support;

namespace InferenceServer.Scheduling.Tests;

public class SchedulerOutputTests
{
    [Fact]
    public void The_record_holds_values_only()
    {
        // Nothing in the record reaches the block manager or a live request: only numbers, strings and the
        // record's own types, in arrays or lists.
        AssertValuesOnly(typeof(SchedulerOutput), nameof(SchedulerOutput));
        AssertValuesOnly(typeof(ScheduledItem), nameof(ScheduledItem));
        // The check itself bites: a live request (which holds its cache namespace) is refused.
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertValuesOnly(typeof(ScheduledRequest), nameof(ScheduledRequest)));
    }

    [Fact]
    public void The_record_keeps_the_tokens_slots_and_block_tables_of_the_step_after_the_blocks_are_freed()
    {
        var kv = new KvCacheManager(16, 4);
        var scheduler = new Scheduler(kv, new SchedulerOptions { MaxNumBatchedTokens = 16 });
        scheduler.Add(Drive.Request(1, 10, 5));
        scheduler.Add(Drive.Request(2, 9, 5, firstToken: 2000));
        var output = scheduler.Step();
        Assert.Equal(2, output.Items.Length);

        // What the block manager says now, position by position.
        var expected = new List<(int[] Tokens, int[] Slots, int[] Table)>();
        for (int i = 0; i < output.Items.Length; i++)
        {
            var item = output.Items[i];
            var seq = new SequenceId(item.RequestId);
            int firstToken = item.RequestId == 1 ? 1000 : 2000;
            var slots = Enumerable.Range(item.StartPosition, item.NumNewTokens).Select(p => kv.SlotFor(seq, p)).ToArray();
            int blocks = (item.EndPosition + kv.BlockSize - 1) / kv.BlockSize;
            expected.Add((Enumerable.Range(firstToken + item.StartPosition, item.NumNewTokens).ToArray(), slots, kv.BlockTable(seq)[..blocks].ToArray()));
        }
        Assert.Equal((0, 10), (output.Items[0].TokenOffset, output.Items[0].NumNewTokens));
        Assert.Equal((10, 6), (output.Items[1].TokenOffset, output.Items[1].NumNewTokens));

        // Cancelling frees the blocks in the manager; the record's copies stay as they were scheduled.
        scheduler.Cancel(1);
        scheduler.Cancel(2);
        Assert.Equal(0, kv.SequenceCount);
        for (int i = 0; i < output.Items.Length; i++)
        {
            var item = output.Items[i];
            Assert.Equal(expected[i].Tokens, output.TokenIds.Slice(item.TokenOffset, item.NumNewTokens).ToArray());
            Assert.Equal(expected[i].Slots, output.SlotMapping.Slice(item.TokenOffset, item.NumNewTokens).ToArray());
            Assert.Equal(expected[i].Table, output.BlockTable(i).ToArray());
        }
    }

    [Fact]
    public void Add_rejects_a_request_longer_than_the_max_model_length()
    {
        var scheduler = new Scheduler(new KvCacheManager(64, 4), new SchedulerOptions { MaxModelLen = 20 });
        scheduler.Add(Drive.Request(1, 10, 10));
        Assert.Throws<ArgumentException>(() => scheduler.Add(Drive.Request(2, 10, 11)));
    }

    private static void AssertValuesOnly(Type type, string path)
    {
        if (type.IsPrimitive || type == typeof(string)) return;
        if (type.IsArray)
        {
            AssertValuesOnly(type.GetElementType()!, path + "[]");
            return;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            AssertValuesOnly(type.GetGenericArguments()[0], path + "<>");
            return;
        }
        Assert.True(type == typeof(SchedulerOutput) || type == typeof(ScheduledItem), $"{path} is a {type.Name}, not a plain value");
        foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (field.FieldType == type) continue;
            AssertValuesOnly(field.FieldType, $"{path}.{field.Name}");
        }
    }
}
