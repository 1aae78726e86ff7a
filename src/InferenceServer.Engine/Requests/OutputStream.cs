using System.Threading.Channels;

namespace InferenceServer.Engine.Requests;

/// <summary>
/// The engine's side of one request's output stream: a bounded channel, the outputs held back while the reader is
/// behind, and the handshake that resumes the request once the reader made room. The reader signals each output it
/// takes (<see cref="ReaderTookOne"/>), so a paused request resumes without polling; whichever side sees room first
/// after the engine started waiting (an atomic flag) asks for the resume, exactly once.
/// </summary>
internal sealed class OutputStream
{
    private readonly Channel<RequestOutput> _channel;
    private readonly int _threshold;
    private readonly Action _resume;
    private int _waiting;

    /// <param name="threshold">Outputs the reader may be behind before the request pauses; the channel holds one more, for a final output.</param>
    /// <param name="resume">Asks the engine thread to flush held outputs and run the request again.</param>
    public OutputStream(int threshold, Action resume)
    {
        _threshold = threshold;
        _resume = resume;
        _channel = Channel.CreateBounded<RequestOutput>(new BoundedChannelOptions(threshold + 1)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public ChannelReader<RequestOutput> Reader => _channel.Reader;
    public ChannelWriter<RequestOutput> Writer => _channel.Writer;

    /// <summary>Outputs not yet written because the reader is behind (engine thread only).</summary>
    public Queue<RequestOutput> Held { get; } = new();

    /// <summary>Whether the final output is among <see cref="Held"/> (engine thread only).</summary>
    public bool Finished { get; set; }

    /// <summary>Whether the reader is the threshold behind (the last slot is kept for a final output).</summary>
    public bool IsFull => _channel.Reader.Count >= _threshold;

    /// <summary>Engine thread: the reader is behind; resume when it has made room (now, if it already has).</summary>
    public void WaitForReader()
    {
        Volatile.Write(ref _waiting, 1);
        // The reader may have taken outputs between the failed write and the flag: it saw no waiter then.
        if (!IsFull) TryResume();
    }

    /// <summary>Reader side: called after each output it took.</summary>
    public void ReaderTookOne()
    {
        if (Volatile.Read(ref _waiting) == 1 && !IsFull) TryResume();
    }

    private void TryResume()
    {
        if (Interlocked.CompareExchange(ref _waiting, 0, 1) == 1) _resume();
    }
}
