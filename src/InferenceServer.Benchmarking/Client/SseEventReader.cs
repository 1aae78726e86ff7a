using System.Diagnostics;
using System.Text;

namespace InferenceServer.Benchmarking.Client;

/// <summary>
/// Reads server-sent events straight off the response stream. Each event is stamped with the time the read that
/// delivered its first byte returned, not when the event was complete or parsed, so a slow parse or a large event
/// does not shift the timings.
/// </summary>
public sealed class SseEventReader(Stream stream)
{
    private byte[] _buffer = new byte[16 * 1024];
    private int _start, _end;
    private long _consumed; // stream offset of _buffer[_start]
    // (stream offset just past the bytes of a read, timestamp of that read), oldest first.
    private readonly Queue<(long End, long Timestamp)> _reads = new();
    private bool _eof;

    /// <summary>The next event with data, or null at the end of the stream (an unterminated last event is dropped, as the SSE spec says).</summary>
    public async ValueTask<SseEvent?> ReadAsync(CancellationToken cancellation = default)
    {
        var data = new StringBuilder();
        bool hasData = false;
        long eventTimestamp = 0;
        bool started = false;
        while (true)
        {
            int newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline < 0)
            {
                if (_eof) return null;
                await FillAsync(cancellation).ConfigureAwait(false);
                continue;
            }
            // Looked up before Consume drops the reads behind the line.
            long lineTimestamp = TimestampOf(_consumed);
            int length = newline - _start;
            if (length > 0 && _buffer[newline - 1] == (byte)'\r') length--;
            var line = _buffer.AsSpan(_start, length);
            Consume(newline + 1 - _start);
            if (line.IsEmpty)
            {
                if (hasData) return new SseEvent(eventTimestamp, data.ToString());
                started = false; // a block of comments only is no event
                continue;
            }
            if (!started)
            {
                eventTimestamp = lineTimestamp;
                started = true;
            }
            if (line.StartsWith("data:"u8))
            {
                var value = line[5..];
                if (!value.IsEmpty && value[0] == (byte)' ') value = value[1..];
                if (hasData) data.Append('\n');
                data.Append(Encoding.UTF8.GetString(value));
                hasData = true;
            }
            // Comments (":") and other fields (event:, id:, retry:) carry nothing the benchmark uses.
        }
    }

    private long TimestampOf(long offset)
    {
        foreach (var (end, timestamp) in _reads)
            if (offset < end) return timestamp;
        throw new InvalidOperationException("byte offset beyond the bytes read");
    }

    private void Consume(int count)
    {
        _start += count;
        _consumed += count;
        while (_reads.Count > 0 && _reads.Peek().End <= _consumed) _reads.Dequeue();
    }

    private async ValueTask FillAsync(CancellationToken cancellation)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        int n = await stream.ReadAsync(_buffer.AsMemory(_end), cancellation).ConfigureAwait(false);
        long now = Stopwatch.GetTimestamp();
        if (n == 0)
        {
            _eof = true;
            return;
        }
        _end += n;
        _reads.Enqueue((_consumed + (_end - _start), now));
    }
}
