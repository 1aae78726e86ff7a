namespace InferenceServer.ChatTemplates.Jinja;

/// <summary>The template itself called <c>raise_exception(message)</c>; the message is exactly the template's.</summary>
public sealed class TemplateRaisedException : TemplateException
{
    public TemplateRaisedException(string message) : base(message) { }
    public TemplateRaisedException(string message, Exception inner) : base(message, inner) { }
    public TemplateRaisedException() { }
}
