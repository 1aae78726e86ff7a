using System.Text.Json.Serialization;

namespace InferenceServer.ChatTemplates.Loading;

/// <summary>Source-generated JSON metadata for the few values this library serializes itself.</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class ChatJsonContext : JsonSerializerContext;
