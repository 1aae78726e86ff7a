using InferenceServer.Core.Errors;

namespace InferenceServer.Grammars.JsonSchema;

/// <summary>
/// A schema that uses a keyword or form this compiler does not enforce, or that is malformed: never silently ignored.
/// <see cref="Pointer"/> is the JSON pointer of the offending place (HTTP 400 names it).
/// </summary>
public sealed class UnsupportedSchemaException : InferenceServerException
{
    public UnsupportedSchemaException()
    {
    }

    public UnsupportedSchemaException(string message) : base(message)
    {
    }

    public UnsupportedSchemaException(string message, Exception inner) : base(message, inner)
    {
    }

    public UnsupportedSchemaException(string problem, string pointer) : base($"{problem} (at {(pointer.Length == 0 ? "the schema root" : pointer)})")
    {
        Pointer = pointer;
    }

    /// <summary>JSON pointer of the problem ("" for the root).</summary>
    public string Pointer { get; } = "";
}
