namespace InferenceServer.ChatTemplates.Jinja.Values;

/// <summary>Anything a template can call: globals, bound string/dict/list methods, macros, <c>loop.cycle</c>.</summary>
internal interface IJinjaCallable
{
    string Name { get; }

    object? Call(CallArguments args);
}
