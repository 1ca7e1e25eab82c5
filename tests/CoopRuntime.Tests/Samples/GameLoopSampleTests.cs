using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Samples;

/// <summary>Smoke test of samples/GameLoop: it draws the asked number of frames, then stops by itself.</summary>
public class GameLoopSampleTests
{
    [Fact]
    public async Task Frames_StopsByItselfAfterThatManyFrames_DrawingTheFieldAndASummary()
    {
        var run = await SampleApp.RunAsync("GameLoop", TimeSpan.FromSeconds(60), "--frames", "20", "--fps", "50");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Drew 20 frames", run.Output);
        Assert.Contains("frames per second (asked for 50)", run.Output);
        Assert.Contains("frame   20", run.Output); // redirected output draws every tenth frame and the last
        Assert.Contains("|@", run.Output.Replace(".", "", StringComparison.Ordinal)); // the runner is on the field
    }

    [Fact]
    public async Task BadFrames_SaysWhatItNeedsAndExitsTwo()
    {
        var run = await SampleApp.RunAsync("GameLoop", TimeSpan.FromSeconds(60), "--frames", "zero");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--frames needs a positive whole number", run.Output);
    }
}
