using System.Runtime.InteropServices;

namespace InferenceServer.Models.Weights;

/// <summary>A 64-byte aligned native allocation (for weights rearranged on load), freed on dispose.</summary>
public sealed unsafe class NativeBuffer : IDisposable
{
    /// <summary>Alignment of every buffer: a cache line, and enough for any SIMD load.</summary>
    public const int Alignment = 64;

    private byte* _data;

    public NativeBuffer(long byteLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteLength);
        ByteLength = byteLength;
        _data = (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(byteLength, 1), Alignment);
    }

    public long ByteLength { get; }

    public byte* Data => _data != null ? _data : throw new ObjectDisposedException(nameof(NativeBuffer));

    public void Dispose()
    {
        if (_data == null) return;
        NativeMemory.AlignedFree(_data);
        _data = null;
    }
}
