namespace InferenceServer.ChatTemplates.Jinja.Runtime;

/// <summary>How a statement list finished: normally, or by <c>break</c>/<c>continue</c> that the enclosing loop must honour.</summary>
internal enum Flow
{
    Normal,
    Break,
    Continue,
}
