using InferenceServer.Core.Errors;

namespace InferenceServer.ChatTemplates.Jinja;

/// <summary>A template could not be parsed or rendered; the base of every Jinja error.</summary>
public class TemplateException : InferenceServerException
{
    public TemplateException(string message) : base(message) { }
    public TemplateException(string message, Exception inner) : base(message, inner) { }
    public TemplateException() { }
}
