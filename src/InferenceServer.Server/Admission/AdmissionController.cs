namespace InferenceServer.Server.Admission;

/// <summary>
/// Bounds the engine sequences in flight: at most max-num-seqs running plus max-waiting queued. A request that
/// would go beyond is refused at once (HTTP 429 with Retry-After, gRPC RESOURCE_EXHAUSTED) instead of queueing
/// without bound; the engine never sees it.
/// </summary>
public sealed class AdmissionController
{
    private readonly int _capacity;
    private int _inFlight;

    /// <param name="capacity">Sequences allowed in flight at once.</param>
    public AdmissionController(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <summary>Sequences admitted and not yet released.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public int Capacity => _capacity;

    /// <summary>Admits <paramref name="sequences"/> together, or none; the lease gives them back when disposed.</summary>
    public bool TryAdmit(int sequences, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AdmissionLease? lease)
    {
        while (true)
        {
            int current = Volatile.Read(ref _inFlight);
            if (current + sequences > _capacity)
            {
                lease = null;
                return false;
            }
            if (Interlocked.CompareExchange(ref _inFlight, current + sequences, current) == current)
            {
                lease = new AdmissionLease(this, sequences);
                return true;
            }
        }
    }

    internal void Release(int sequences) => Interlocked.Add(ref _inFlight, -sequences);
}
