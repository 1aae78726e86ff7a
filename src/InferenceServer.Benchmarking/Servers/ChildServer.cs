using System.Diagnostics;
using System.Globalization;

namespace InferenceServer.Benchmarking.Servers;

/// <summary>
/// Our server started as a child process (`serve --model MANIFEST --port P --grpc-port -1`) on a free loopback port
/// for a one-command benchmark; ready once GET /ready answers 200, killed with its process tree on dispose.
/// </summary>
public sealed class ChildServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _log = new();

    private ChildServer(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    /// <summary>
    /// Starts <paramref name="fileName"/> with <paramref name="prefixArguments"/> (how to run our CLI: the executable, or
    /// dotnet and the dll), then "serve --model", the manifest, the port and any <paramref name="extraArguments"/>.
    /// </summary>
    public static async Task<ChildServer> StartAsync(string fileName, IEnumerable<string> prefixArguments, string manifest,
        IEnumerable<string> extraArguments, TimeSpan readyTimeout, CancellationToken cancellation)
    {
        int port = FreePort.Pick();
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in prefixArguments) start.ArgumentList.Add(a);
        foreach (string a in new[] { "serve", "--model", manifest, "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--grpc-port", "-1" })
            start.ArgumentList.Add(a);
        foreach (string a in extraArguments) start.ArgumentList.Add(a);
        var process = Process.Start(start) ?? throw new IOException($"could not start {fileName}");
        var server = new ChildServer(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitReadyAsync(readyTimeout, cancellation).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The last lines the server printed, for error messages.</summary>
    public string RecentOutput
    {
        get
        {
            lock (_log) return string.Join(Environment.NewLine, _log);
        }
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            _log.Enqueue(line);
            if (_log.Count > 20) _log.Dequeue();
        }
    }

    private async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellation)
    {
        using var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
                throw new IOException($"the server exited with code {_process.ExitCode} before it was ready:{Environment.NewLine}{RecentOutput}");
            try
            {
                using var response = await http.GetAsync(new Uri("ready", UriKind.Relative), cancellation).ConfigureAwait(false);
                if (response.IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellation.IsCancellationRequested)
            {
                // Not listening yet.
            }
            await Task.Delay(200, cancellation).ConfigureAwait(false);
        }
        throw new IOException($"the server was not ready after {timeout.TotalSeconds:0} s:{Environment.NewLine}{RecentOutput}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
        _process.Dispose();
    }
}
