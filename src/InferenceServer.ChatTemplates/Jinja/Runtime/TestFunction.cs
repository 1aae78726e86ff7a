using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Runtime;

/// <summary>A test: <c>value is name(args)</c>.</summary>
internal delegate bool TestFunction(JinjaEnvironment env, object? value, CallArguments args);
