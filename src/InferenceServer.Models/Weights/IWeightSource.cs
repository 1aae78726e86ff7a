namespace InferenceServer.Models.Weights;

/// <summary>A set of named weight tensors; disposing it releases the memory their pointers refer to.</summary>
public interface IWeightSource : IDisposable
{
    /// <summary>Where the weights came from (a file or folder), for error messages.</summary>
    string SourcePath { get; }

    IEnumerable<string> Names { get; }

    bool TryGet(string name, out WeightTensor tensor);
}
