using System.Text;
using CoopRuntime;

namespace Crawler;

/// <summary>
/// Just enough HTTP/1.1 to serve <see cref="Site"/>: read the request line and headers, wait the page's latency on a
/// loop timer, answer, close. It runs on the crawler's own loop thread; a waiting request costs a timer, not a thread.
/// </summary>
internal static class SiteServer
{
    public static async Task AnswerAsync(Site site, TcpStream connection, CancellationToken cancellationToken)
    {
        try
        {
            await using var reader = new ByteStreamReader(connection, leaveOpen: true);
            var requestLine = await reader.ReadLineAsync(cancellationToken: cancellationToken);
            while (await reader.ReadLineAsync(cancellationToken: cancellationToken) is { Length: > 0 })
            {
                // headers: this server needs none of them
            }

            var path = requestLine?.Split(' ') is [_, var target, ..] ? target : "";
            var found = path.StartsWith("/page/", StringComparison.Ordinal)
                        && int.TryParse(path.AsSpan("/page/".Length), out var page) && site.Exists(page);
            if (!found)
            {
                await WriteAsync(connection, "404 Not Found", "no such page", cancellationToken);
                return;
            }

            page = int.Parse(path.AsSpan("/page/".Length));
            await EventLoop.Sleep(site.Latency(page), cancellationToken);
            await WriteAsync(connection, "200 OK", site.Html(page), cancellationToken);
        }
        catch (IOException)
        {
            // The crawler gave up on this page (its timeout) and closed the connection.
        }
    }

    private static async Task WriteAsync(TcpStream connection, string status, string body, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var head = $"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
        await connection.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken);
        await connection.WriteAsync(bytes, cancellationToken);
    }
}
