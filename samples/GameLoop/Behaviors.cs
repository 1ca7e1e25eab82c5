using System.Collections;
using CoopRuntime;

namespace GameLoop;

/// <summary>
/// Each entity's behaviour is a coroutine: straight-line code that says "do this, wait, do that". Waits are counted
/// in frames (Wait.NextFrame, Wait.Frames) when they follow the animation, in seconds (Wait.Seconds) when they follow
/// the clock. All of them run on the loop thread, one at a time, so they share the world without locks.
/// </summary>
internal static class Behaviors
{
    /// <summary>Runs back and forth along its row, one column per frame.</summary>
    public static IEnumerator Runner(Entity runner)
    {
        var step = 1;
        while (true)
        {
            runner.Column += step;
            if (runner.Column is 0 or World.Width - 1)
            {
                step = -step;
            }

            yield return Wait.NextFrame;
        }
    }

    /// <summary>Blinks twice a second, whatever the frame rate: a wait in seconds.</summary>
    public static IEnumerator Blinker(Entity light)
    {
        while (true)
        {
            light.Visible = !light.Visible;
            yield return Wait.Seconds(0.5);
        }
    }

    /// <summary>
    /// Every 12 frames, fires a bullet: a new coroutine, started by this one. Nobody awaits a bullet, so it is started
    /// detached: the loop reuses the coroutine of a bullet that reached the edge for the next one.
    /// </summary>
    public static IEnumerator Turret(World world, Entity turret)
    {
        var loop = EventLoop.Current!;
        var fired = 0;
        while (true)
        {
            yield return Wait.Frames(12);
            turret.Glyph = '>';
            var bullet = world.Add(new Entity($"bullet {++fired}", '-', turret.Row, turret.Column + 1));
            loop.StartDetached(Bullet(world, bullet), name: bullet.Name);
            yield return Wait.NextFrame;
            turret.Glyph = ']';
        }
    }

    /// <summary>Flies two columns per frame and disappears at the edge; its coroutine ends with it.</summary>
    private static IEnumerator Bullet(World world, Entity bullet)
    {
        while (bullet.Column < World.Width - 2)
        {
            yield return Wait.NextFrame;
            bullet.Column += 2;
        }

        world.Hits++;
        world.Entities.Remove(bullet);
    }
}
