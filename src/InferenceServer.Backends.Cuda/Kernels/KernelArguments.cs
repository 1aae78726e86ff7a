using System.Diagnostics.CodeAnalysis;

namespace InferenceServer.Backends.Cuda.Kernels;

/// <summary>
/// Kernel arguments packed the way cuLaunchKernel takes them: one 8-byte slot per argument (little-endian, so an
/// int or float sits at the slot's start) and an array of pointers to the slots. Kept on the stack: no allocation per launch.
/// </summary>
public unsafe struct KernelArguments
{
    public const int MaxArguments = 24;

    private fixed ulong _slots[MaxArguments];

    /// <summary>Arguments added so far.</summary>
    public int Count { get; private set; }

    /// <summary>A device pointer.</summary>
    public void Add(nint pointer) => Slot() = (ulong)pointer;

    public void Add(int value) => Slot() = (uint)value;

    /// <summary>A 64-bit integer (a kernel's long long).</summary>
    public void Add(long value) => Slot() = (ulong)value;

    public void Add(float value) => Slot() = BitConverter.SingleToUInt32Bits(value);

    /// <summary>Writes the address of each slot to <paramref name="destination"/>; <paramref name="self"/> must not move meanwhile.</summary>
    internal static void SlotPointers(KernelArguments* self, void** destination)
    {
        for (int i = 0; i < self->Count; i++) destination[i] = self->_slots + i;
    }

    [UnscopedRef]
    private ref ulong Slot()
    {
        if (Count == MaxArguments) throw new InvalidOperationException($"more than {MaxArguments} kernel arguments");
        return ref _slots[Count++];
    }
}
