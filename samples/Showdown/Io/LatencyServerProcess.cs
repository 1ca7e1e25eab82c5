using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Showdown.Io;

/// <summary>Starts <see cref="LatencyServer"/> in a child process and stops it when disposed.</summary>
internal sealed class LatencyServerProcess : IDisposable
{
    private readonly Process _process;

    private LatencyServerProcess(Process process, IPEndPoint endPoint)
    {
        _process = process;
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    public static LatencyServerProcess Start(TimeSpan latency)
    {
        var info = SelfCommand.StartInfo(LatencyServer.Argument, ((int)latency.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {info.FileName}.");
        var firstLine = process.StandardOutput.ReadLine();
        if (!int.TryParse(firstLine, CultureInfo.InvariantCulture, out var port))
        {
            process.Kill();
            process.Dispose();
            throw new InvalidOperationException($"The latency server did not print its port (it printed '{firstLine}').");
        }

        return new LatencyServerProcess(process, new IPEndPoint(IPAddress.Loopback, port));
    }

    /// <summary>Closes the server's input, which makes it exit; kills it if it has not after a few seconds.</summary>
    public void Dispose()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(5)))
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
