namespace InferenceServer.Server.Versions;

/// <summary>Judges every model's canary periodically, so a healthy canary advances at the end of its window even without traffic then.</summary>
public sealed class CanaryEvaluator : IDisposable
{
    private readonly Timer _timer;

    public CanaryEvaluator(ModelCatalog catalog, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _timer = new Timer(_ =>
        {
            foreach (var m in catalog.Models.Values) m.Controller.Evaluate();
        }, null, interval, interval);
    }

    public void Dispose() => _timer.Dispose();
}
