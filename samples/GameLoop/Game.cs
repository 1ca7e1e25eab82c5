using System.Collections;
using CoopRuntime;

namespace GameLoop;

/// <summary>Sets up the world and its coroutines on a loop with a frame clock, and runs it for the asked frames.</summary>
internal static class Game
{
    public static FrameStats Run(GameOptions options)
    {
        var stats = new FrameStats();
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var world = new World();
            // The entities run until the game ends; their handles are not needed (the loop stops them at the end).
            _ = loop.Start(Behaviors.Runner(world.Add(new Entity("runner", '@', row: 0, column: 0))), name: "runner");
            _ = loop.Start(Behaviors.Runner(world.Add(new Entity("chaser", '&', row: 1, column: World.Width / 2))), name: "chaser");
            _ = loop.Start(Behaviors.Blinker(world.Add(new Entity("light", '*', row: 2, column: World.Width / 2))), name: "light");
            _ = loop.Start(Behaviors.Turret(world, world.Add(new Entity("turret", ']', row: 3, column: 0))), name: "turret");

            await loop.Start(DrawFrames(world, options.Frames, stats), name: "renderer");
            stats.Hits = world.Hits;
            // Returning ends the run: EventLoop.Run stops the other coroutines (their finally blocks would run).
        }, new EventLoopOptions { FrameRate = options.FramesPerSecond });
        return stats;
    }

    /// <summary>The render coroutine: draws once per frame, after the entities moved, until the last frame.</summary>
    private static IEnumerator DrawFrames(World world, int frames, FrameStats stats)
    {
        var loop = EventLoop.Current!;
        var renderer = new Renderer();
        for (var drawn = 1; drawn <= frames; drawn++)
        {
            yield return Wait.NextFrame;
            renderer.Draw(world, loop.Frame, last: drawn == frames);
            stats.Drawn(loop.Now);
        }
    }
}
