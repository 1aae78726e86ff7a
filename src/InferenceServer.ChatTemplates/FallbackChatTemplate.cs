namespace InferenceServer.ChatTemplates;

/// <summary>
/// The template used for models that ship none: ChatML (<c>&lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;\n</c> per message,
/// then <c>&lt;|im_start|&gt;assistant\n</c> when a generation prompt is asked for), the layout of Hugging Face's former
/// default template. Content given as a list of parts contributes its text parts.
/// </summary>
public static class FallbackChatTemplate
{
    public const string Source =
        "{%- for message in messages -%}\n" +
        "{{- '<|im_start|>' + message['role'] + '\\n' -}}\n" +
        "{%- if message['content'] is string -%}\n" +
        "{{- message['content'] -}}\n" +
        "{%- elif message['content'] is iterable -%}\n" +
        "{%- for part in message['content'] if part['type'] == 'text' -%}{{- part['text'] -}}{%- endfor -%}\n" +
        "{%- endif -%}\n" +
        "{{- '<|im_end|>\\n' -}}\n" +
        "{%- endfor -%}\n" +
        "{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}{%- endif -%}\n";
}
