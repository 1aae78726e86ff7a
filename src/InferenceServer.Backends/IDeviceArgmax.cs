namespace InferenceServer.Backends;

/// <summary>
/// A backend that can pick greedy tokens where the logits live, so a step of greedy rows copies one int per row to
/// the host instead of a vocabulary of floats (vLLM samples on the GPU for the same reason).
/// </summary>
public interface IDeviceArgmax
{
    /// <summary>tokens[r] = the index of the largest of row r's <paramref name="vocab"/> logits, ties to the lowest index.</summary>
    void Argmax(DeviceBuffer logits, int rows, int vocab, Span<int> tokens);
}
