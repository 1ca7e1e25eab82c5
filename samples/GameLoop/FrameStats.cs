namespace GameLoop;

/// <summary>When each frame was drawn, on the loop's clock, and what that says about the frame rate kept.</summary>
internal sealed class FrameStats
{
    private readonly List<TimeSpan> _drawnAt = [];

    public int Frames => _drawnAt.Count;

    public int Hits { get; set; }

    public void Drawn(TimeSpan now) => _drawnAt.Add(now);

    public string Summary(GameOptions options)
    {
        if (_drawnAt.Count < 2)
        {
            return $"Drew {_drawnAt.Count} frame(s).";
        }

        var gaps = _drawnAt.Zip(_drawnAt.Skip(1), (a, b) => (b - a).TotalMilliseconds).ToArray();
        var seconds = (_drawnAt[^1] - _drawnAt[0]).TotalSeconds;
        var achieved = gaps.Length / seconds;
        return $"Drew {Frames} frames in {seconds:F2} s: {achieved:F1} frames per second (asked for {options.FramesPerSecond}), " +
               $"frame interval {gaps.Average():F1} ms on average, {gaps.Max():F1} ms at most; bullets that reached the edge: {Hits}.";
    }
}
