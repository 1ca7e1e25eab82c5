using CoopRuntime;

namespace HttpServer;

/// <summary>
/// One client connection: reads requests into a buffer, parses every whole one it holds, answers the batch with one
/// write, and enforces the limits and timeouts of <see cref="HttpLimits"/>.
/// </summary>
/// <remarks>
/// <para>Timeouts cost nothing per request: the connection only writes down its <see cref="Deadline"/> before it waits,
/// and the host's heartbeat, a single loop timer for all connections, cancels the ones whose deadline passed. A
/// timer per request would cost a timer insertion and removal on every request.</para>
/// <para>The read buffer starts small and grows only as far as one request needs (head plus body, both bounded); after
/// a large request it is dropped for a small one again, so idle connections stay cheap.</para>
/// </remarks>
internal sealed class HttpConnection
{
    private const int InitialBufferSize = 4096;
    private const int FlushThreshold = 64 * 1024;

    private static ReadOnlySpan<byte> Continue => "HTTP/1.1 100 Continue\r\n\r\n"u8;

    private readonly HttpServerHost _host;
    private readonly TcpStream _stream;
    private readonly HttpLimits _limits;
    private readonly EventLoop _loop;
    private readonly HttpRequest _request = new();
    private readonly HttpResponseWriter _writer;
    private readonly CancellationTokenSource _cancel;
    private byte[] _buffer = new byte[InitialBufferSize];
    private byte[] _chunkedBody = [];
    private int _start;
    private int _end;
    private bool _timedOut;

    // When the request now being received began (its first byte), and when its head was complete; for the timeouts.
    private TimeSpan _requestStartedAt;
    private TimeSpan _bodyStartedAt;
    private bool _continueSent;

    public HttpConnection(HttpServerHost host, TcpStream stream, CancellationToken serverToken)
    {
        _host = host;
        _stream = stream;
        _limits = host.Limits;
        _loop = EventLoop.Current!;
        _writer = new HttpResponseWriter(host.Date);
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(serverToken);
    }

    /// <summary>When the heartbeat should time this connection out (loop time); <see cref="TimeSpan.MaxValue"/> while a request is being served.</summary>
    public TimeSpan Deadline { get; private set; } = TimeSpan.MaxValue;

    /// <summary>Called by the heartbeat once <see cref="Deadline"/> has passed: cancels the pending read or write.</summary>
    public void TimeOut()
    {
        if (!_timedOut)
        {
            _timedOut = true;
            _cancel.Cancel();
        }
    }

    public async Task RunAsync(CancellationToken serverToken)
    {
        _stream.NoDelay = true;
        try
        {
            await ServeRequestsAsync();
        }
        catch (OperationCanceledException) when (_timedOut && !serverToken.IsCancellationRequested)
        {
            // A partial request gets 408 (RFC 9110 §15.5.9); an idle keep-alive connection is simply closed.
            if (_start < _end)
            {
                _writer.Clear();
                HttpRouter.WriteError(408, _writer);
                await CloseAfterErrorAsync(serverToken);
            }
        }
        catch (IOException)
        {
            // The client reset the connection or vanished: that ends this connection, not the server.
        }
        finally
        {
            _cancel.Dispose();
        }
    }

    private async Task ServeRequestsAsync()
    {
        var token = _cancel.Token;
        while (true)
        {
            // Answer every whole request in the buffer; the responses collect in the writer.
            while (true)
            {
                if (_start == _end)
                {
                    break;
                }

                var status = HttpRequestParser.TryParseHead(_buffer, _start, _end, _request, _limits, out var headLength, out var errorStatus);
                if (status == HttpParseStatus.Incomplete)
                {
                    break;
                }

                if (status == HttpParseStatus.Error)
                {
                    await FailAsync(errorStatus);
                    return;
                }

                var bodyStart = _start + headLength;
                ReadOnlySpan<byte> body;
                int requestEnd;
                if (_request.IsChunked)
                {
                    status = ChunkedBodyDecoder.TryDecode(_buffer, bodyStart, _end, ref _chunkedBody, _limits, out var consumed, out var bodyLength, out errorStatus);
                    if (status == HttpParseStatus.Error)
                    {
                        await FailAsync(errorStatus);
                        return;
                    }

                    if (status == HttpParseStatus.Incomplete)
                    {
                        AwaitBody();
                        break;
                    }

                    body = _chunkedBody.AsSpan(0, bodyLength);
                    requestEnd = bodyStart + consumed;
                }
                else
                {
                    var length = (int)Math.Max(0, _request.ContentLength);
                    if (_end - bodyStart < length)
                    {
                        AwaitBody();
                        break;
                    }

                    body = _buffer.AsSpan(bodyStart, length);
                    requestEnd = bodyStart + length;
                }

                var delay = _host.Router.Handle(_request, body, _writer);
                if (delay is { } milliseconds)
                {
                    // Send what is ready first, so that a slow request does not hold back the answers before it.
                    await FlushAsync(token);
                    Deadline = TimeSpan.MaxValue;
                    await EventLoop.Sleep(TimeSpan.FromMilliseconds(milliseconds), token);
                    HttpRouter.WriteSlow(_request, milliseconds, _writer);
                }

                _host.RequestsServed++;
                _start = requestEnd;
                _continueSent = false;
                _bodyStartedAt = TimeSpan.MinValue;
                SkipEmptyLines();
                if (_start < _end)
                {
                    _requestStartedAt = _loop.Now; // the next pipelined request has begun
                }

                if (!_request.KeepAlive)
                {
                    await FlushAsync(token);
                    await GracefulCloseAsync();
                    return;
                }

                if (_writer.Length >= FlushThreshold)
                {
                    await FlushAsync(token);
                }
            }

            // One write for the whole batch.
            await FlushAsync(token);
            if (!MakeRoom())
            {
                await FailAsync(413);
                return;
            }

            var now = _loop.Now;
            Deadline = _start == _end ? now + _limits.KeepAliveTimeout
                : _bodyStartedAt != TimeSpan.MinValue ? _bodyStartedAt + _limits.BodyTimeout
                : _requestStartedAt + _limits.HeadersTimeout;
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), token);
            if (read == 0)
            {
                return; // the client closed; a request it left unfinished is dropped with it
            }

            if (_start == _end)
            {
                _requestStartedAt = _loop.Now;
            }

            _end += read;
            SkipEmptyLines();
        }
    }

    /// <summary>A whole head arrived but not yet its body: start the body timeout, and invite the body if the client waits for that.</summary>
    private void AwaitBody()
    {
        if (_bodyStartedAt == TimeSpan.MinValue)
        {
            _bodyStartedAt = _loop.Now;
        }

        if (_request.ExpectsContinue && !_continueSent)
        {
            _writer.WriteRaw(Continue);
            _continueSent = true;
        }
    }

    /// <summary>RFC 9112 §2.2: a server should ignore empty lines before a request line (some clients send CRLF after a body).</summary>
    private void SkipEmptyLines()
    {
        while (_start < _end && _buffer[_start] is (byte)'\r' or (byte)'\n')
        {
            _start++;
        }

        if (_start == _end)
        {
            _start = _end = 0;
        }
    }

    private async Task FlushAsync(CancellationToken token)
    {
        if (_writer.Length == 0)
        {
            return;
        }

        // A client that stops reading its responses is as slow as one that stops sending: the same idle limit applies.
        Deadline = _loop.Now + _limits.KeepAliveTimeout;
        await _stream.WriteAsync(_writer.Written, token);
        _writer.Clear();
    }

    /// <summary>Makes room for the next read: slides a partial request to the front or grows the buffer; false past the limit.</summary>
    private bool MakeRoom()
    {
        if (_start == _end)
        {
            _start = _end = 0;
            if (_buffer.Length > 16 * InitialBufferSize)
            {
                _buffer = new byte[InitialBufferSize];
                _chunkedBody = [];
            }

            return true;
        }

        if (_start > 0 && (_end == _buffer.Length || _start >= _buffer.Length / 2))
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end < _buffer.Length)
        {
            return true;
        }

        // Full with one unfinished request. Its head cannot exceed MaxHeaderBytes (the parser answers 431 first) and
        // its body is bounded by MaxBodyBytes, with chunked framing at most as large again.
        var cap = _limits.MaxHeaderBytes + (2L * _limits.MaxBodyBytes) + (16 * 1024);
        if (_buffer.Length >= cap)
        {
            return false;
        }

        var grown = (int)Math.Min(2L * _buffer.Length, cap);
        Array.Resize(ref _buffer, grown);
        _host.NoteBufferSize(grown);
        return true;
    }

    private async Task FailAsync(int status)
    {
        await FlushAsync(_cancel.Token); // the answers to the good requests before it
        HttpRouter.WriteError(status, _writer);
        await CloseAfterErrorAsync(_cancel.Token);
    }

    /// <summary>Sends the error response, then reads and discards for a while before closing (see <see cref="HttpLimits.LingerTimeout"/>).</summary>
    private async Task CloseAfterErrorAsync(CancellationToken token)
    {
        _host.ErrorsSent++;
        await _stream.WriteAsync(_writer.Written, token);
        _writer.Clear();
        await GracefulCloseAsync();
    }

    private async Task GracefulCloseAsync()
    {
        Deadline = TimeSpan.MaxValue;
        try
        {
            _stream.ShutdownWrite();
            using var linger = CancelScope.After(_limits.LingerTimeout);
            var discard = _buffer.Length >= InitialBufferSize ? _buffer : new byte[InitialBufferSize];
            while (await _stream.ReadAsync(discard, linger.Token) > 0)
            {
            }
        }
        catch (OperationCanceledException)
        {
            // The client kept sending for the whole linger time: close now.
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException)
        {
            // The client reset the connection, or the server is stopping and closed it.
        }
    }
}
