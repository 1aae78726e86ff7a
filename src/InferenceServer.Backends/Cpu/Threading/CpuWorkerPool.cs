using System.Diagnostics;

namespace InferenceServer.Backends.Cpu.Threading;

/// <summary>
/// A fixed set of worker threads that split index ranges with the calling thread. Workers spin briefly between
/// runs (a decode step launches ~100 ops a few microseconds apart, too short for a kernel wake-up) and then sleep.
/// One run at a time; runs do not nest.
/// </summary>
public sealed class CpuWorkerPool : IDisposable
{
    private static readonly long SpinTicks = Stopwatch.Frequency / 5000; // 200 µs
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _wake;
    private readonly int[] _sleeping;
    private volatile int _generation;
    private volatile bool _disposed;
    private ParallelWork? _work;
    private int _items;
    private int _grain;
    private int _next;
    private int _busyWorkers;
    private Exception? _failure;

    public CpuWorkerPool(int threadCount)
    {
        if (threadCount < 1) throw new ArgumentOutOfRangeException(nameof(threadCount), "need at least one thread");
        ThreadCount = threadCount;
        int helpers = threadCount - 1;
        _threads = new Thread[helpers];
        _wake = new SemaphoreSlim[helpers];
        _sleeping = new int[helpers];
        for (int i = 0; i < helpers; i++)
        {
            _wake[i] = new SemaphoreSlim(0);
            int index = i;
            _threads[i] = new Thread(() => WorkerLoop(index)) { IsBackground = true, Name = $"cpu-kernel-{i + 1}" };
            _threads[i].Start();
        }
    }

    /// <summary>Threads that run work, the caller included.</summary>
    public int ThreadCount { get; }

    /// <summary>
    /// Runs <paramref name="work"/> over [0, items) in chunks of <paramref name="grain"/> items taken dynamically by
    /// the caller and the workers; returns when all are done.
    /// </summary>
    public void Run(ParallelWork work, int items, int grain = 1)
    {
        if (items <= 0) return;
        grain = Math.Max(1, grain);
        if (_threads.Length == 0 || items <= grain)
        {
            work.Execute(0, items, 0);
            return;
        }
        _work = work;
        _items = items;
        _grain = grain;
        _next = 0;
        _failure = null;
        _busyWorkers = _threads.Length;
        Interlocked.Increment(ref _generation);
        for (int i = 0; i < _wake.Length; i++)
        {
            if (Interlocked.Exchange(ref _sleeping[i], 0) == 1) _wake[i].Release();
        }
        RunChunks(0);
        var spin = new SpinWait();
        while (Volatile.Read(ref _busyWorkers) != 0) spin.SpinOnce(sleep1Threshold: -1);
        _work = null;
        if (_failure != null) throw new InvalidOperationException("a CPU kernel failed: " + _failure.Message, _failure);
    }

    private void RunChunks(int worker)
    {
        var work = _work!;
        int items = _items, grain = _grain;
        try
        {
            while (true)
            {
                int start = Interlocked.Add(ref _next, grain) - grain;
                if (start >= items) break;
                work.Execute(start, Math.Min(items, start + grain), worker);
            }
        }
        catch (Exception e) when (worker != 0)
        {
            _failure = e;
            Volatile.Write(ref _next, items);
        }
    }

    private void WorkerLoop(int index)
    {
        int seen = 0;
        while (true)
        {
            seen = WaitForNewGeneration(index, seen);
            if (_disposed) return;
            RunChunks(index + 1);
            Interlocked.Decrement(ref _busyWorkers);
        }
    }

    private int WaitForNewGeneration(int index, int seen)
    {
        long deadline = Stopwatch.GetTimestamp() + SpinTicks;
        int spins = 0;
        while (true)
        {
            int g = _generation;
            if (g != seen || _disposed) return g;
            // Check for work on every pause; read the clock (slow in some VMs) only now and then.
            if ((++spins & 255) != 0 || Stopwatch.GetTimestamp() < deadline)
            {
                Thread.SpinWait(1);
                continue;
            }
            Volatile.Write(ref _sleeping[index], 1);
            g = _generation;
            if (g != seen || _disposed)
            {
                // Either we cancel our own sleep flag, or the caller already released us: consume that release.
                if (Interlocked.Exchange(ref _sleeping[index], 0) == 0) _wake[index].Wait();
                return g;
            }
            _wake[index].Wait();
            deadline = Stopwatch.GetTimestamp() + SpinTicks;
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        for (int i = 0; i < _wake.Length; i++)
        {
            if (Interlocked.Exchange(ref _sleeping[i], 0) == 1) _wake[i].Release();
        }
        foreach (var t in _threads) t.Join();
        foreach (var w in _wake) w.Dispose();
    }
}
