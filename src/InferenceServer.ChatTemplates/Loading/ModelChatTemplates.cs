using InferenceServer.ChatTemplates.Jinja;
using InferenceServer.Core.Errors;

namespace InferenceServer.ChatTemplates.Loading;

/// <summary>
/// The chat templates a model ships and the special tokens they need, loaded from a model folder, a
/// <c>tokenizer_config.json</c>/<c>chat_template.json</c>, or a <c>.jinja</c> file; the fallback ChatML template when there is none.
/// </summary>
public sealed class ModelChatTemplates
{
    private ModelChatTemplates(string origin, IReadOnlyDictionary<string, ChatTemplate> templates, IReadOnlyDictionary<string, string> specialTokens, bool isFallback)
    {
        Origin = origin;
        Templates = templates;
        SpecialTokens = specialTokens;
        IsFallback = isFallback;
    }

    /// <summary>The file the templates came from (or the folder, for the fallback).</summary>
    public string Origin { get; }

    /// <summary>Templates by name: "default", and e.g. "tool_use" when the model has several.</summary>
    public IReadOnlyDictionary<string, ChatTemplate> Templates { get; }

    /// <summary>bos_token, eos_token, unk_token, pad_token... as the tokenizer config gives them (absent ones left out).</summary>
    public IReadOnlyDictionary<string, string> SpecialTokens { get; }

    /// <summary>True when the model ships no template and <see cref="ChatTemplate.Fallback"/> is used.</summary>
    public bool IsFallback { get; }

    public string? BosToken => SpecialTokens.GetValueOrDefault("bos_token");

    public string? EosToken => SpecialTokens.GetValueOrDefault("eos_token");

    /// <summary>
    /// Loads from <paramref name="path"/>: a folder (its <c>chat_template.jinja</c>, else <c>chat_template.json</c>, else
    /// <c>tokenizer_config.json</c>'s <c>chat_template</c>, as Hugging Face prefers them; special tokens from
    /// <c>tokenizer_config.json</c>), a <c>.json</c> config file, or any other file as the template text itself.
    /// </summary>
    public static ModelChatTemplates Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path)) return LoadFolder(path);
        if (!File.Exists(path)) throw new ModelLoadException(path, "no such file or folder");
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            var (templates, tokens) = TokenizerConfigFile.Read(path);
            if (templates.Count == 0) throw new ModelLoadException(path, "has no chat_template");
            return new ModelChatTemplates(path, Parse(path, templates), tokens, isFallback: false);
        }
        return new ModelChatTemplates(path, Parse(path, new() { ["default"] = File.ReadAllText(path) }), new Dictionary<string, string>(), false);
    }

    private static ModelChatTemplates LoadFolder(string folder)
    {
        string config = Path.Combine(folder, "tokenizer_config.json");
        var (configTemplates, tokens) = File.Exists(config)
            ? TokenizerConfigFile.Read(config)
            : (new Dictionary<string, string>(), new Dictionary<string, string>());
        string jinja = Path.Combine(folder, "chat_template.jinja");
        if (File.Exists(jinja))
            return new ModelChatTemplates(jinja, Parse(jinja, new() { ["default"] = File.ReadAllText(jinja) }), tokens, false);
        string json = Path.Combine(folder, "chat_template.json");
        if (File.Exists(json) && TokenizerConfigFile.Read(json).Templates is { Count: > 0 } fromJson)
            return new ModelChatTemplates(json, Parse(json, fromJson), tokens, false);
        if (configTemplates.Count > 0)
            return new ModelChatTemplates(config, Parse(config, configTemplates), tokens, false);
        return new ModelChatTemplates(folder, new Dictionary<string, ChatTemplate> { ["default"] = ChatTemplate.Fallback }, tokens, isFallback: true);
    }

    private static Dictionary<string, ChatTemplate> Parse(string path, Dictionary<string, string> sources)
    {
        var parsed = new Dictionary<string, ChatTemplate>(StringComparer.Ordinal);
        foreach (var (name, source) in sources)
        {
            try
            {
                parsed[name] = new ChatTemplate(source);
            }
            catch (TemplateSyntaxException e)
            {
                string which = sources.Count > 1 ? $"chat template '{name}', " : "";
                throw new ModelLoadException(path, which + e.Message, e);
            }
        }
        return parsed;
    }

    /// <summary>
    /// Hugging Face's choice: the template named <paramref name="name"/> if given; else "tool_use" when the request has
    /// tools and the model has one; else "default" (or the only template).
    /// </summary>
    public ChatTemplate Select(bool hasTools, string? name = null)
    {
        if (name is not null)
            return Templates.TryGetValue(name, out var named)
                ? named
                : throw new ChatRequestException($"no chat template named '{name}' (the model has: {string.Join(", ", Templates.Keys)})");
        if (Templates.Count == 1) return Templates.Values.First();
        if (hasTools && Templates.TryGetValue("tool_use", out var toolUse)) return toolUse;
        return Templates.TryGetValue("default", out var fallback)
            ? fallback
            : throw new ChatRequestException("this model has several chat templates and none named 'default'; name one");
    }

    /// <summary>Renders <paramref name="input"/> with the selected template, filling bos/eos and the other special tokens from the model where the input leaves them unset.</summary>
    public string Render(ChatTemplateInput input, string? templateName = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var kwargs = new Dictionary<string, System.Text.Json.JsonElement>(StringComparer.Ordinal);
        foreach (var (token, text) in SpecialTokens)
            if (token is not ("bos_token" or "eos_token")) kwargs[token] = System.Text.Json.JsonSerializer.SerializeToElement(text, ChatJsonContext.Default.String);
        foreach (var (key, value) in input.Kwargs) kwargs[key] = value;
        var filled = input with
        {
            BosToken = input.BosToken ?? BosToken,
            EosToken = input.EosToken ?? EosToken,
            Kwargs = kwargs,
        };
        return Select(input.HasTools, templateName).Render(filled);
    }
}
