namespace InferenceServer.ChatTemplates.Jinja.Values;

/// <summary>A runtime object (namespace, loop, cycler) whose attributes templates read with <c>obj.name</c>.</summary>
internal interface IHasAttributes
{
    /// <summary>The attribute's value, or an <see cref="Undefined"/> naming it when there is none.</summary>
    object? GetAttribute(string name);
}
