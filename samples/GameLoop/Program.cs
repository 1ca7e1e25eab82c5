// GameLoop: a fixed-frame-rate loop (EventLoopOptions.FrameRate) with entities driven by coroutines that wait for
// frames (Wait.NextFrame, Wait.Frames) and for time (Wait.Seconds), drawn in the terminal. It stops by itself.
//
//   dotnet run --project samples/GameLoop                       90 frames at 30 frames per second (3 s)
//   dotnet run --project samples/GameLoop -- --frames 300 --fps 60
using GameLoop;

var options = GameOptions.Parse(args, out var error);
if (options is null)
{
    Console.WriteLine(error is null ? GameOptions.Usage : $"{error}\n\n{GameOptions.Usage}");
    return error is null ? 0 : 2;
}

var stats = Game.Run(options);
Console.WriteLine(stats.Summary(options));
return 0;
