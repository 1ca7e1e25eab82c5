using System.Buffers.Text;
using System.Text;

namespace HttpServer;

/// <summary>
/// The sample's routes: <c>GET /</c> plain text, <c>GET /json</c> a small JSON object, <c>POST /echo</c> the request
/// body back, <c>GET /slow?ms=N</c> plain text after N milliseconds of loop timer. Anything else is 404, a known path
/// with the wrong method 405.
/// </summary>
/// <remarks>Synchronous except /slow, which returns its delay for the connection to await: the common routes never
/// cost an async state machine.</remarks>
public sealed class HttpRouter
{
    /// <summary>The longest delay /slow accepts, in milliseconds.</summary>
    public const int MaxSlowMilliseconds = 60_000;

    private static readonly PrecomputedResponse Hello = new(200, "text/plain", "Hello, World!");
    private static readonly PrecomputedResponse Json = new(200, "application/json", "{\"message\":\"Hello, World!\"}");
    private static readonly PrecomputedResponse NotFound = new(404, "text/plain", "Not Found\n");

    private static ReadOnlySpan<byte> TextPlain => "text/plain"u8;

    /// <summary>Writes the response to <paramref name="request"/>, or returns the delay after which /slow answers.</summary>
    /// <param name="request">The parsed head.</param>
    /// <param name="body">The whole body (empty if none).</param>
    /// <param name="writer">Where the response goes.</param>
    /// <returns>Null when the response is written; otherwise call <see cref="WriteSlow"/> after that many milliseconds.</returns>
    public int? Handle(HttpRequest request, ReadOnlySpan<byte> body, HttpResponseWriter writer)
    {
        var connection = ConnectionFor(request);
        var method = request.Method;
        var headOnly = method == HttpMethod.Head;
        var path = request.Path;
        if (path.SequenceEqual("/"u8))
        {
            if (method is HttpMethod.Get or HttpMethod.Head)
            {
                writer.Write(Hello, connection, headOnly);
            }
            else
            {
                MethodNotAllowed(writer, connection, "GET, HEAD"u8);
            }

            return null;
        }

        if (path.SequenceEqual("/json"u8))
        {
            if (method is HttpMethod.Get or HttpMethod.Head)
            {
                writer.Write(Json, connection, headOnly);
            }
            else
            {
                MethodNotAllowed(writer, connection, "GET, HEAD"u8);
            }

            return null;
        }

        if (path.SequenceEqual("/echo"u8))
        {
            if (method is HttpMethod.Post or HttpMethod.Put)
            {
                var contentType = request.TryGetHeader("Content-Type"u8, out var type) ? type : "application/octet-stream"u8;
                writer.Write(200, contentType, body, connection, headOnly: false);
            }
            else
            {
                MethodNotAllowed(writer, connection, "POST, PUT"u8);
            }

            return null;
        }

        if (path.SequenceEqual("/slow"u8))
        {
            if (method is not (HttpMethod.Get or HttpMethod.Head))
            {
                MethodNotAllowed(writer, connection, "GET, HEAD"u8);
                return null;
            }

            if (!TryGetQueryNumber(request.Query, "ms"u8, out var milliseconds) || milliseconds > MaxSlowMilliseconds)
            {
                writer.Write(400, TextPlain, Encoding.ASCII.GetBytes($"/slow needs ?ms=N with N from 0 to {MaxSlowMilliseconds}\n"), connection, headOnly);
                return null;
            }

            return (int)milliseconds;
        }

        writer.Write(NotFound, connection, headOnly);
        return null;
    }

    /// <summary>Writes /slow's response once its delay has passed.</summary>
    public static void WriteSlow(HttpRequest request, int milliseconds, HttpResponseWriter writer) =>
        writer.Write(200, TextPlain, Encoding.ASCII.GetBytes($"Slept {milliseconds} ms\n"), ConnectionFor(request), request.Method == HttpMethod.Head);

    /// <summary>Writes an error response, which always closes the connection (the request may not even be parseable).</summary>
    public static void WriteError(int status, HttpResponseWriter writer) =>
        writer.Write(status, TextPlain, Encoding.ASCII.GetBytes(HttpRequestParser.ReasonPhrase(status) + "\n"), ConnectionHeader.Close, headOnly: false);

    /// <summary>The Connection header the response to <paramref name="request"/> carries.</summary>
    public static ConnectionHeader ConnectionFor(HttpRequest request) =>
        !request.KeepAlive ? ConnectionHeader.Close : request.Version == 10 ? ConnectionHeader.KeepAlive : ConnectionHeader.None;

    private static void MethodNotAllowed(HttpResponseWriter writer, ConnectionHeader connection, ReadOnlySpan<byte> allowed)
    {
        Span<byte> header = stackalloc byte[64];
        "Allow: "u8.CopyTo(header);
        allowed.CopyTo(header[7..]);
        "\r\n"u8.CopyTo(header[(7 + allowed.Length)..]);
        writer.Write(405, TextPlain, "Method Not Allowed\n"u8, connection, headOnly: false, header[..(9 + allowed.Length)]);
    }

    /// <summary>Finds <c>name=digits</c> in a query string.</summary>
    private static bool TryGetQueryNumber(ReadOnlySpan<byte> query, ReadOnlySpan<byte> name, out long value)
    {
        value = 0;
        foreach (var range in query.Split((byte)'&'))
        {
            var pair = query[range];
            if (pair.Length > name.Length && pair[name.Length] == (byte)'=' && pair.StartsWith(name))
            {
                var digits = pair[(name.Length + 1)..];
                return digits.Length is > 0 and <= 9 && digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0
                    && Utf8Parser.TryParse(digits, out value, out _);
            }
        }

        return false;
    }
}
