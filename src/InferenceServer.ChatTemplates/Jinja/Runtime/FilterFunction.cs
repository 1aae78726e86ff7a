using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Runtime;

/// <summary>A filter: <c>value | name(args)</c>. The environment is passed so filters like map/select can call others.</summary>
internal delegate object? FilterFunction(JinjaEnvironment env, object? value, CallArguments args);
