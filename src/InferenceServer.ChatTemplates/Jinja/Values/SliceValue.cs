namespace InferenceServer.ChatTemplates.Jinja.Values;

/// <summary>A Python slice object (<c>x[start:stop:step]</c>); null parts were left out.</summary>
internal sealed record SliceValue(object? Start, object? Stop, object? Step);
