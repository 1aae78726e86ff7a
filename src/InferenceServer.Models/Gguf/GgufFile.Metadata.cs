using InferenceServer.Core.Errors;

namespace InferenceServer.Models.Gguf;

// Typed accessors for GGUF metadata; integer getters accept any stored integer type because converters differ.
public sealed partial class GgufFile
{
    public bool ContainsKey(string key) => Metadata.ContainsKey(key);

    public bool TryGetString(string key, out string value)
    {
        if (Metadata.TryGetValue(key, out var v) && v is string s)
        {
            value = s;
            return true;
        }
        value = "";
        return false;
    }

    /// <summary>A string value; throws <see cref="ModelLoadException"/> when it is missing or not a string.</summary>
    public string GetString(string key) =>
        TryGetString(key, out var s) ? s : throw Missing(key, "a string");

    /// <summary>An integer value stored as any GGUF integer type that fits in an int.</summary>
    public bool TryGetInt(string key, out int value)
    {
        if (TryGetLong(key, out long l) && l is >= int.MinValue and <= int.MaxValue)
        {
            value = (int)l;
            return true;
        }
        value = 0;
        return false;
    }

    public int GetInt(string key) => TryGetInt(key, out int v) ? v : throw Missing(key, "an integer");

    public bool TryGetLong(string key, out long value)
    {
        value = 0;
        return Metadata.TryGetValue(key, out var v) && MetadataValues.TryToLong(v, out value);
    }

    /// <summary>A number stored as any GGUF numeric type.</summary>
    public bool TryGetDouble(string key, out double value)
    {
        value = 0;
        return Metadata.TryGetValue(key, out var v) && MetadataValues.TryToDouble(v, out value);
    }

    public double GetDouble(string key) => TryGetDouble(key, out double v) ? v : throw Missing(key, "a number");

    public bool TryGetBool(string key, out bool value)
    {
        if (Metadata.TryGetValue(key, out var v) && v is bool b)
        {
            value = b;
            return true;
        }
        value = false;
        return false;
    }

    /// <summary>An array converted to <typeparamref name="T"/>[] (numeric element types convert when the values fit).</summary>
    public bool TryGetArray<T>(string key, out T[] value)
    {
        value = [];
        return Metadata.TryGetValue(key, out var v) && MetadataValues.TryToArray(v, out value);
    }

    public T[] GetArray<T>(string key) =>
        TryGetArray<T>(key, out var a) ? a : throw Missing(key, $"an array of {typeof(T).Name}");

    private ModelLoadException Missing(string key, string what) =>
        Metadata.TryGetValue(key, out var v)
            ? new ModelLoadException(SourcePath, $"GGUF metadata '{key}' is {v.GetType().Name}, expected {what}")
            : new ModelLoadException(SourcePath, $"GGUF metadata '{key}' is missing");
}
