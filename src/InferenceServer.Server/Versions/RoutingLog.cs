using InferenceServer.Versions.Canary;

namespace InferenceServer.Server.Versions;

/// <summary>Logs every routing change (advance, promotion, rollback, reconfiguration) and every rejected routing-file edit.</summary>
public static partial class RoutingLog
{
    /// <summary>Subscribes to every model's changes and starts watching its routing file, reporting rejected edits; models added later too.</summary>
    public static void AttachAndWatch(ModelCatalog catalog, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        // Models loaded through the admin API later are attached as they come.
        catalog.ModelAdded += m => Attach(m, logger);
        foreach (var m in catalog.Models.Values) Attach(m, logger);
    }

    private static void Attach(ModelVersions m, ILogger logger)
    {
        string name = m.Name;
        m.Controller.Changed += e => Changed(logger, name, e.Kind, e.Stable, e.Canary, e.FromWeight, e.ToWeight, e.Reason);
        // Subscribed first, so the change an edit makes is logged too.
        m.WatchRoutingFile(error => Rejected(logger, name, error.Message));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Routing of {Model}: {Kind}, stable {Stable}, canary {Canary} weight {From}% -> {To}%: {Reason}")]
    private static partial void Changed(ILogger logger, string model, RoutingEventKind kind, string stable, string? canary, double from, double to, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Routing file of {Model} ignored: {Problem}")]
    private static partial void Rejected(ILogger logger, string model, string problem);
}
