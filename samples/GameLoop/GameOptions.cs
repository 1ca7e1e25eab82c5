using System.Globalization;

namespace GameLoop;

/// <summary>How long the game runs and how fast its frame clock ticks.</summary>
internal sealed record GameOptions(int Frames, int FramesPerSecond)
{
    public const string Usage = """
        GameLoop: entities driven by coroutines on a fixed-frame-rate loop, drawn in the terminal.

        Usage: dotnet run --project samples/GameLoop -- [options]

          --frames N   stop after N frames (default 90)
          --fps N      frames per second (default 30)
          --help, -h   show this help
        """;

    /// <summary>Parses <paramref name="args"/>; null with <paramref name="error"/> null means --help was asked for.</summary>
    public static GameOptions? Parse(string[] args, out string? error)
    {
        error = null;
        int frames = 90, fps = 30;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--help" or "-h" or "-?":
                    return null;
                case "--frames" or "--fps" when i + 1 < args.Length
                                               && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                                               && value > 0:
                    if (args[i] == "--frames")
                    {
                        frames = value;
                    }
                    else
                    {
                        fps = value;
                    }

                    i++;
                    break;
                case "--frames" or "--fps":
                    error = $"{args[i]} needs a positive whole number.";
                    return null;
                default:
                    error = $"Unknown option '{args[i]}'.";
                    return null;
            }
        }

        return new GameOptions(frames, fps);
    }
}
