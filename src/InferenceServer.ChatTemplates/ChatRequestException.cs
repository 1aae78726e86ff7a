using InferenceServer.Core.Errors;

namespace InferenceServer.ChatTemplates;

/// <summary>A chat request cannot be rendered because of the request itself (no messages, tool-call arguments that are not JSON).</summary>
public sealed class ChatRequestException : InferenceServerException
{
    public ChatRequestException(string message) : base(message) { }
    public ChatRequestException(string message, Exception inner) : base(message, inner) { }
    public ChatRequestException() { }
}
