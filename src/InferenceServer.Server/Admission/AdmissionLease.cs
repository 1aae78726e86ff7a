namespace InferenceServer.Server.Admission;

/// <summary>Sequences admitted by <see cref="AdmissionController"/>; disposing returns them (once).</summary>
public sealed class AdmissionLease : IDisposable
{
    private AdmissionController? _owner;
    private readonly int _sequences;

    internal AdmissionLease(AdmissionController owner, int sequences)
    {
        _owner = owner;
        _sequences = sequences;
    }

    public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Release(_sequences);
}
