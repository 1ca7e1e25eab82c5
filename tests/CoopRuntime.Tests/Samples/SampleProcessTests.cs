using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace CoopRuntime.Tests.Samples;

/// <summary>
/// The samples as their users run them: the built programs (copied next to the tests by the project references),
/// started with <c>dotnet</c> as child processes, and hit with faults from outside. Memory is read from /proc.
/// </summary>
[Collection(SampleToolTests.Name)]
public sealed partial class SampleProcessTests
{
    /// <summary>How much a server's resident memory may grow across a fault; the faults here would cost 100 MiB or more if they were buffered.</summary>
    private const long MemoryGrowthAllowance = 64L * 1024 * 1024;

    [Theory]
    [InlineData("HttpServer.dll", "--loops N")]
    [InlineData("KvServer.dll", "--port N")]
    public void Help_PrintsTheOptionsAndExitsZero(string program, string mentions)
    {
        var result = ExternalTool.RunProcess("dotnet", [Path.Combine(AppContext.BaseDirectory, program), "--help"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(mentions, result.Output);
    }

    [Fact]
    public void AnUnknownOption_ExitsTwoAndSaysWhich()
    {
        var result = ExternalTool.RunProcess("dotnet", [Path.Combine(AppContext.BaseDirectory, "HttpServer.dll"), "--bogus"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unknown option '--bogus'", result.Errors);
    }

    [Fact]
    public void HttpServerWithTwoLoops_SurvivesAHugeHeaderAndTwoThousandIdleConnections_WithBoundedMemory()
    {
        using var server = SampleProcess.Start("HttpServer.dll", ["--port", "0", "--loops", "2"], HttpPort());
        Assert.Equal("Hello, World!", HttpGet(server.Port));
        var baseline = server.ResidentBytes();

        // 100 MiB of one header line: answered with 431 after 32 KiB, the rest read and discarded, then a reset.
        var status = SendHugeHeader(server.Port, 100L * 1024 * 1024);
        Assert.Equal("431", status);
        var afterHeader = server.ResidentBytes();

        var idle = new List<Socket>();
        try
        {
            for (var i = 0; i < 2000; i++)
            {
                idle.Add(OpenIdle(server.Port));
            }

            Assert.Equal("Hello, World!", HttpGet(server.Port));
        }
        finally
        {
            idle.ForEach(socket => socket.Dispose());
        }

        Assert.Equal("Hello, World!", HttpGet(server.Port));
        var afterIdle = server.ResidentBytes();
        Assert.True(afterHeader - baseline < MemoryGrowthAllowance, $"Resident memory grew from {baseline:N0} to {afterHeader:N0} bytes across the huge header.");
        Assert.True(afterIdle - baseline < MemoryGrowthAllowance, $"Resident memory grew from {baseline:N0} to {afterIdle:N0} bytes across 2,000 idle connections.");
    }

    [Fact]
    public void KvServer_AnswersGarbageWithAnErrorAndServesTheNextClient()
    {
        using var server = SampleProcess.Start("KvServer.dll", ["--port", "0"], KvPort());
        var baseline = server.ResidentBytes();
        using (var bad = OpenIdle(server.Port))
        {
            bad.Send("*2\r\n$3\r\nGET\r\n@@@\r\n"u8);
            Assert.StartsWith("-ERR Protocol error", ReceiveAll(bad));
        }

        // A bulk string announced at 100 MiB is refused before its bytes are buffered (the limit is 32 MiB).
        using (var big = OpenIdle(server.Port))
        {
            big.Send(Encoding.ASCII.GetBytes($"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n${100 * 1024 * 1024}\r\n"));
            Assert.Equal("-ERR Protocol error: invalid bulk length\r\n", ReceiveAll(big));
        }

        using var good = OpenIdle(server.Port);
        good.Send("PING\r\n"u8);
        Assert.Equal("+PONG\r\n", ReceiveExactly(good, 7));
        Assert.True(server.ResidentBytes() - baseline < MemoryGrowthAllowance);
    }

    private static string ReceiveExactly(Socket socket, int count)
    {
        var bytes = new byte[count];
        var got = 0;
        while (got < count)
        {
            var read = socket.Receive(bytes, got, count - got, SocketFlags.None);
            if (read == 0)
            {
                break;
            }

            got += read;
        }

        return Encoding.ASCII.GetString(bytes, 0, got);
    }

    private static string HttpGet(int port)
    {
        using var socket = OpenIdle(port);
        socket.Send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"u8);
        var response = ReceiveAll(socket);
        return response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
    }

    /// <summary>Sends up to <paramref name="total"/> bytes of one header line on one thread while reading the response on this one; returns the status code.</summary>
    private static string SendHugeHeader(int port, long total)
    {
        using var socket = OpenIdle(port);
        var sender = Task.Run(() =>
        {
            var chunk = Encoding.ASCII.GetBytes(new string('a', 64 * 1024));
            try
            {
                socket.Send("GET / HTTP/1.1\r\nHost: t\r\nX-Huge: "u8);
                for (long sent = 0; sent < total; sent += chunk.Length)
                {
                    socket.Send(chunk);
                }
            }
            catch (SocketException)
            {
                // The server closed after answering and lingering: expected.
            }
        });
        var head = new StringBuilder();
        var buffer = new byte[4096];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = socket.Receive(buffer);
            if (read == 0)
            {
                break;
            }

            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        sender.Wait(TimeSpan.FromSeconds(60));
        var text = head.ToString();
        return text.Length > 12 ? text.Substring(9, 3) : $"no response ({text})";
    }

    private static Socket OpenIdle(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 60_000, SendTimeout = 60_000 };
        socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
        return socket;
    }

    private static string ReceiveAll(Socket socket)
    {
        var all = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = socket.Receive(buffer)) > 0)
        {
            all.Write(buffer, 0, read);
        }

        return Encoding.UTF8.GetString(all.ToArray());
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:(\d+)")]
    private static partial Regex HttpPort();

    [GeneratedRegex(@"127\.0\.0\.1:(\d+)")]
    private static partial Regex KvPort();

    /// <summary>A sample program running as a child process, killed on dispose.</summary>
    private sealed class SampleProcess : IDisposable
    {
        private readonly Process _process;
        private readonly Task _drained;

        private SampleProcess(Process process, Task drained, int port)
        {
            _process = process;
            _drained = drained;
            Port = port;
        }

        public int Port { get; }

        public static SampleProcess Start(string program, string[] arguments, Regex portPattern)
        {
            var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, program), .. arguments])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            var process = Process.Start(info)!;
            var line = process.StandardOutput.ReadLineAsync();
            var match = line.Wait(TimeSpan.FromSeconds(60)) && line.Result is { } text ? portPattern.Match(text) : Match.Empty;
            if (!match.Success)
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"{program} did not report its port: {(line.IsCompleted ? line.Result : "(nothing)")} {process.StandardError.ReadToEnd()}");
            }

            var drained = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
            return new SampleProcess(process, drained, int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
        }

        /// <summary>The process's resident set size (VmRSS), in bytes.</summary>
        public long ResidentBytes()
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }

        public void Dispose()
        {
            Assert.False(_process.HasExited, $"The server exited on its own with code {(_process.HasExited ? _process.ExitCode : 0)}.");
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();

            // Close the pipes now: Process.Dispose leaves streams it handed out to the finalizer, and pipes closing
            // at a random later moment upset the tests that count this process's file descriptors.
            _drained.Wait(TimeSpan.FromSeconds(60));
            _process.StandardOutput.Dispose();
            _process.StandardError.Dispose();
            _process.Dispose();
        }
    }
}
