using CoopRuntime;

namespace ProducerConsumer;

/// <summary>
/// Samples a queue's depth on a loop timer while a demo runs, and draws the samples as a sparkline. It runs on the
/// same loop as the queue, so it reads the count between steps, never in the middle of one.
/// </summary>
internal sealed class DepthMonitor : IAsyncDisposable
{
    private const string Bars = "▁▂▃▄▅▆▇█";

    private readonly List<int> _samples = [];
    private readonly LoopTask _sampling;

    public DepthMonitor(Func<int> depth, TimeSpan every)
    {
        _sampling = EventLoop.Current!.Spawn(async ct =>
        {
            while (!ct.IsCancellationRequested)
            {
                _samples.Add(depth());
                await EventLoop.Sleep(every, ct);
            }
        }, name: "depth monitor");
    }

    public int Max => _samples.Count == 0 ? 0 : _samples.Max();

    public double Average => _samples.Count == 0 ? 0 : _samples.Average();

    /// <summary>One character per sample, scaled to <paramref name="top"/>.</summary>
    public string Sparkline(int top) =>
        string.Concat(_samples.Select(s => Bars[Math.Clamp((int)Math.Round((double)s / Math.Max(1, top) * (Bars.Length - 1)), 0, Bars.Length - 1)]));

    public async ValueTask DisposeAsync()
    {
        _sampling.Cancel();
        try
        {
            await _sampling;
        }
        catch (OperationCanceledException)
        {
        }
    }
}
