using InferenceServer.Models.Quantization;

namespace InferenceServer.Models.Tests.Quantization;

public class Q8_0Tests
{
    [Fact]
    public void Round_trip_error_is_within_half_a_step_of_each_block()
    {
        var rng = new Random(42);
        var x = new float[32 * 64];
        for (int i = 0; i < x.Length; i++) x[i] = (float)((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-3, 3)));
        var q = new byte[Q8_0.ByteCount(x.Length)];
        Q8_0.Quantize(x, q);
        var y = new float[x.Length];
        Q8_0.Dequantize(q, y);

        Assert.Equal(64 * 34, q.Length);
        for (int b = 0; b < 64; b++)
        {
            float amax = x.Skip(b * 32).Take(32).Max(MathF.Abs);
            float d = (float)(Half)(amax / 127);
            for (int j = b * 32; j < b * 32 + 32; j++)
                Assert.True(MathF.Abs(x[j] - y[j]) <= 0.5f * d + amax * 1e-3f, $"{x[j]} -> {y[j]}");
        }
    }

    [Fact]
    public void Block_layout_is_fp16_scale_then_32_signed_bytes()
    {
        var x = new float[32];
        for (int i = 0; i < 32; i++) x[i] = i - 16; // amax 16 -> d = 16/127
        var q = new byte[34];
        Q8_0.Quantize(x, q);

        Assert.Equal((Half)(16f / 127f), BitConverter.ToHalf(q, 0));
        Assert.Equal(-127, (sbyte)q[2]);      // -16 / d
        Assert.Equal(0, (sbyte)q[2 + 16]);
        Assert.Equal(119, (sbyte)q[2 + 31]);  // 15 * 127 / 16 = 119.06
        Assert.Equal(-8, (sbyte)q[2 + 15]);   // -1 * 127/16 = -7.94
    }

    [Fact]
    public void Halfway_values_round_away_from_zero_like_roundf()
    {
        var x = new float[32];
        x[0] = 127; // d = 1 exactly
        x[1] = 2.5f;
        x[2] = -2.5f;
        x[3] = 0.5f;
        var q = new byte[34];
        Q8_0.Quantize(x, q);
        Assert.Equal(3, (sbyte)q[3]);
        Assert.Equal(-3, (sbyte)q[4]);
        Assert.Equal(1, (sbyte)q[5]);
    }

    [Fact]
    public void All_zero_block_has_zero_scale()
    {
        var q = new byte[34];
        Array.Fill(q, (byte)0xAA);
        Q8_0.Quantize(new float[32], q);
        Assert.All(q, b => Assert.Equal(0, b));
        var y = new float[32];
        Q8_0.Dequantize(q, y);
        Assert.All(y, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Lengths_that_are_not_whole_blocks_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => Q8_0.Quantize(new float[33], new byte[68]));
        Assert.Throws<ArgumentException>(() => Q8_0.Quantize(new float[32], new byte[33]));
    }

    [Fact]
    public void Bfloat16_rounds_to_nearest_even_and_keeps_nan()
    {
        Assert.Equal(0x3F80, BFloat16.FromSingle(1f));
        Assert.Equal(0x3F80, BFloat16.FromSingle(BitConverter.UInt32BitsToSingle(0x3F808000))); // tie -> even
        Assert.Equal(0x3F82, BFloat16.FromSingle(BitConverter.UInt32BitsToSingle(0x3F818000))); // tie -> even (up)
        Assert.Equal(0x3F81, BFloat16.FromSingle(BitConverter.UInt32BitsToSingle(0x3F808001)));
        Assert.True(float.IsNaN(BFloat16.ToSingle(BFloat16.FromSingle(float.NaN))));
        Assert.Equal(-2f, BFloat16.ToSingle(BFloat16.FromSingle(-2f)));
    }
}
