using System.Collections.Concurrent;
using InferenceServer.Engine.Adapters;
using InferenceServer.Engine.Requests;

namespace InferenceServer.Engine;

/// <summary>
/// The engine the server talks to: <see cref="Submit"/> from any thread returns a stream of outputs, while
/// one dedicated thread runs <see cref="EngineCore"/> step after step. Each stream is a bounded channel; a
/// request whose consumer falls behind is paused (keeps its blocks, is not scheduled) until the consumer reads.
/// A request that fails on its own ends with <see cref="RequestFailedException"/> and the engine goes on; a fault of
/// a step itself stops the engine, fails every request with <see cref="EngineFailedException"/> and raises
/// <see cref="Faulted"/>, so the host can report it and restart rather than stay alive but dead.
/// </summary>
public sealed class LlmEngine : IDisposable
{
    private readonly EngineCore _core;
    private readonly ConcurrentQueue<Command> _commands = new();
    private readonly ConcurrentQueue<Action> _admin = new();
    private readonly LoraAdapterRegistry _adapters;
    private readonly Dictionary<long, OutputStream> _streams = [];
    private readonly List<long> _resumable = [];
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private volatile EngineStats _stats;
    private volatile Exception? _failure;
    private readonly Lock _stopGate = new();
    private bool _stopped;
    private int _disposed;
    private long _nextId;

    public LlmEngine(EngineCore core)
    {
        ArgumentNullException.ThrowIfNull(core);
        _core = core;
        _adapters = new LoraAdapterRegistry(core.Adapters, core.Options.MaxCpuLoras ?? core.Options.MaxLoras);
        _stats = core.Stats;
        _thread = new Thread(Loop) { IsBackground = true, Name = "engine" };
        _thread.Start();
    }

    /// <summary>Raised once, on the engine thread, when a step fault stopped the engine (not on a normal shutdown).</summary>
    public event Action<Exception>? Faulted;

    /// <summary>Raised on the engine thread for each request that failed alone (the engine went on).</summary>
    public event Action<RequestFailedException>? RequestFailed;

    /// <summary>The step fault that stopped the engine; null while it runs and after a normal shutdown.</summary>
    public Exception? Fault { get; private set; }

    /// <summary>The engine core (its configuration and tokenizer are safe to read; its state belongs to the engine thread).</summary>
    public EngineCore Core => _core;

    /// <summary>Load after the latest step.</summary>
    public EngineStats Stats => _stats;

    /// <summary>Requests submitted and not yet finished (including those not yet seen by the engine thread).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);
    private int _inFlight;

    /// <summary>
    /// Validates and queues a request. Throws <see cref="InvalidRequestException"/> at once for a request that
    /// cannot be served, and <see cref="EngineFailedException"/> when the engine has stopped.
    /// </summary>
    public RequestStream Submit(EngineRequest request, CancellationToken cancellation = default)
    {
        if (_failure is { } failure) throw new EngineFailedException("the engine has stopped: " + failure.Message, failure);
        _core.Validate(request);
        long id = Interlocked.Increment(ref _nextId);
        var output = new OutputStream(_core.Options.OutputBufferCapacity, () => RequestResume(id));
        var command = new Command(CommandKind.Add, id, request, output);
        if (request.Adapter == null) Enqueue(command);
        else _adapters.EnqueueIfLoaded(request.Adapter, () => Enqueue(command));
        _wake.Release();
        return new RequestStream(this, id, output, cancellation, request.Deadline);
    }

    /// <summary>
    /// A reader made room for a paused request (called on the reader's thread). The engine may be gone by then: a
    /// reader draining what was written before a dispose must get the engine's error, not ObjectDisposedException.
    /// </summary>
    private void RequestResume(long id)
    {
        if (Volatile.Read(ref _disposed) != 0) return;
        _commands.Enqueue(new Command(CommandKind.Resume, id, null, null));
        try
        {
            _wake.Release();
        }
        catch (ObjectDisposedException)
        {
            // Disposed between the check and the release: nothing is left to resume.
        }
    }

    private void Enqueue(Command command)
    {
        Interlocked.Increment(ref _inFlight);
        _commands.Enqueue(command);
    }

    /// <summary>Submits and reads all outputs; cancelling <paramref name="cancellation"/> aborts the request.</summary>
    public async IAsyncEnumerable<RequestOutput> GenerateAsync(EngineRequest request, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation = default)
    {
        var stream = Submit(request, cancellation);
        await using (stream.ConfigureAwait(false))
        {
            await foreach (var output in stream.ReadAllAsync(cancellation).ConfigureAwait(false)) yield return output;
        }
    }

    /// <summary>Names of the loaded LoRA adapters (a snapshot, safe from any thread).</summary>
    public IReadOnlySet<string> Adapters => _adapters.Names;

    /// <summary>Loads an adapter into the running engine; fails if LoRA is off, the name is taken or the rank too large.</summary>
    public Task LoadAdapterAsync(Models.Adapters.LoraAdapter adapter)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        return OnEngineThread(() => _adapters.Load(adapter, AdaptersNeeded));
    }

    /// <summary>
    /// Cache ids of adapters that admitted requests use, plus those of requests submitted but not yet taken in by this
    /// thread (admin actions run before queued submissions, so evicting their adapter would fail them as unknown).
    /// </summary>
    private HashSet<string> AdaptersNeeded(LoraSlotManager slots)
    {
        var needed = new HashSet<string>(_core.AdaptersInUse(), StringComparer.Ordinal);
        foreach (var command in _commands)
            if (command.Request?.Adapter is { } name && slots.Contains(name)) needed.Add(slots.CacheId(name)!);
        return needed;
    }

    /// <summary>
    /// Unloads an adapter: requests using it end now with finish reason abort (their blocks are freed), then
    /// its slot is emptied. Fails with <see cref="UnknownAdapterException"/> for a name not loaded.
    /// </summary>
    public Task UnloadAdapterAsync(string name) => OnEngineThread(() => _adapters.Unload(name, n => _core.AbortAdapterRequests(n)));

    private Task OnEngineThread(Action action)
    {
        if (_failure is { } failure) return Task.FromException(new EngineFailedException("the engine has stopped: " + failure.Message, failure));
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _admin.Enqueue(() =>
        {
            try
            {
                action();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        _wake.Release();
        return done.Task;
    }

    /// <summary>Cancels a request from any thread; its blocks are freed at the next step.</summary>
    public void Abort(long id)
    {
        _commands.Enqueue(new Command(CommandKind.Abort, id, null, null));
        _wake.Release();
    }

    private void Loop()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                DrainCommands();
                Resume();
                if (!_core.HasUnfinished)
                {
                    _stats = _core.Stats;
                    _wake.Wait(_stop.Token);
                    continue;
                }
                var outputs = _core.Step();
                foreach (var output in outputs) Deliver(output);
                _stats = _core.Stats;
                // Nothing ran (every running request paused, or blocks held by paused ones): wait for a reader.
                if (outputs.Count == 0) _wake.Wait(5, _stop.Token);
            }
            FailAll(new EngineFailedException("the engine is shutting down"));
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            FailAll(new EngineFailedException("the engine is shutting down"));
        }
#pragma warning disable CA1031 // A step fault must end every request and be reported, whatever it is.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Fault = e;
            FailAll(new EngineFailedException("the engine failed: " + e.Message, e));
            Faulted?.Invoke(e);
        }
    }

    /// <summary>Makes the next engine step fail as a fault of the engine itself would (tests of what the host does then).</summary>
    internal void InjectStepFault(Exception fault)
    {
        _admin.Enqueue(() => throw fault);
        _wake.Release();
    }

    private void DrainCommands()
    {
        while (_admin.TryDequeue(out var action)) action();
        while (_commands.TryDequeue(out var command))
        {
            if (command.Kind == CommandKind.Add)
            {
                try
                {
                    _core.Add(command.Id, command.Request!);
                    _streams.Add(command.Id, command.Output!);
                }
#pragma warning disable CA1031 // Whatever admitting one request throws fails that request only.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    // The request alone fails (e.g. its adapter was unloaded meanwhile); the engine goes on.
                    Exception error = e switch
                    {
                        InferenceServer.Core.Errors.InferenceServerException known => known,
                        ArgumentException argument => new InvalidRequestException(argument.Message, argument),
                        _ => new RequestFailedException(e),
                    };
                    if (error is RequestFailedException failed) RequestFailed?.Invoke(failed);
                    command.Output!.Writer.TryComplete(error);
                    Interlocked.Decrement(ref _inFlight);
                }
            }
            else if (command.Kind == CommandKind.Resume)
            {
                _resumable.Add(command.Id);
            }
            else if (_core.Abort(command.Id))
            {
                _core.SetPaused(command.Id, false);
            }
        }
    }

    /// <summary>Flushes held outputs of paused requests whose readers made room, and lets them run again.</summary>
    private void Resume()
    {
        foreach (long id in _resumable)
        {
            if (!_streams.TryGetValue(id, out var stream)) continue;
            if (Flush(id, stream) && !stream.Finished) _core.SetPaused(id, false);
        }
        _resumable.Clear();
    }

    private void Deliver(RequestOutput output)
    {
        if (!_streams.TryGetValue(output.RequestId, out var stream)) return;
        if (output.Error is { } error)
        {
            RequestFailed?.Invoke(error);
            // Outputs held back are dropped: the request failed, its reader gets the error next.
            stream.Held.Clear();
            stream.Writer.TryComplete(error);
            Complete(output.RequestId, stream);
            return;
        }
        if (output.Finish == Outputs.FinishReason.Abort)
        {
            // Outputs held back are dropped (the reader may be gone for good); the reserved slot takes the abort.
            stream.Held.Clear();
            stream.Writer.TryWrite(output);
            Complete(output.RequestId, stream);
            return;
        }
        if (stream.Held.Count > 0 || (!output.IsFinal && stream.IsFull) || !stream.Writer.TryWrite(output))
        {
            stream.Held.Enqueue(output);
            if (output.IsFinal) stream.Finished = true;
            else _core.SetPaused(output.RequestId, true);
            stream.WaitForReader();
            return;
        }
        if (output.IsFinal) Complete(output.RequestId, stream);
    }

    /// <summary>Writes held outputs; true when none is left.</summary>
    private bool Flush(long id, OutputStream stream)
    {
        while (stream.Held.Count > 0)
        {
            var output = stream.Held.Peek();
            if ((!output.IsFinal && stream.IsFull) || !stream.Writer.TryWrite(output))
            {
                stream.WaitForReader();
                return false;
            }
            stream.Held.Dequeue();
            if (output.IsFinal)
            {
                Complete(id, stream);
                return true;
            }
        }
        return true;
    }

    private void Complete(long id, OutputStream stream)
    {
        stream.Writer.TryComplete();
        _streams.Remove(id);
        Interlocked.Decrement(ref _inFlight);
    }

    private void FailAll(Exception error)
    {
        _failure = error;
        foreach (var stream in _streams.Values)
        {
            stream.Writer.TryComplete(error);
        }
        _streams.Clear();
        while (_commands.TryDequeue(out var command)) command.Output?.Writer.TryComplete(error);
        Volatile.Write(ref _inFlight, 0);
    }

    /// <summary>
    /// Stops the engine thread: requests in flight end with <see cref="EngineFailedException"/> ("shutting down") and
    /// new ones are refused; the weights stay until <see cref="Dispose"/>. Safe from any thread, more than once.
    /// </summary>
    public void Stop()
    {
        lock (_stopGate)
        {
            if (_stopped) return;
            _stopped = true;
            _stop.Cancel();
            if (Thread.CurrentThread != _thread) _thread.Join();
        }
    }

    /// <summary>Stops the engine thread (see <see cref="Stop"/>) and releases the weights; once.</summary>
    public void Dispose()
    {
        Stop();
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _core.Dispose();
        _stop.Dispose();
        _wake.Dispose();
    }

    private enum CommandKind
    {
        Add,
        Abort,
        Resume,
    }

    private readonly record struct Command(CommandKind Kind, long Id, EngineRequest? Request, OutputStream? Output);
}
