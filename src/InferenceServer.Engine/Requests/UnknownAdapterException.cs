using InferenceServer.Core.Errors;

namespace InferenceServer.Engine.Requests;

/// <summary>A request names a LoRA adapter that is not loaded (HTTP 404, gRPC NOT_FOUND).</summary>
public sealed class UnknownAdapterException : InferenceServerException
{
    public UnknownAdapterException(string adapter, string message) : base(message) => Adapter = adapter;
    public UnknownAdapterException(string message) : base(message) => Adapter = "";
    public UnknownAdapterException(string message, Exception inner) : base(message, inner) => Adapter = "";
    public UnknownAdapterException() => Adapter = "";

    /// <summary>The adapter name the request gave.</summary>
    public string Adapter { get; }
}
