using CoopRuntime;

namespace CoopRuntime.TestWorker;

internal static class SignalModes
{
    public static int Demo()
    {
        try
        {
            EventLoop.Run(async ct =>
            {
                _ = EventLoop.Current!.Spawn(SpawnedAsync, "spawned");
                try
                {
                    await EventLoop.Yield(); // the spawned task has started
                    Say("ready");
                    await EventLoop.Sleep(Timeout.InfiniteTimeSpan, ct);
                }
                finally
                {
                    Say("main-finally");
                }
            });
            Say("returned");
            return 0;
        }
        catch (KeyboardInterruptException interrupted)
        {
            Say("interrupted");
            return interrupted.ExitCode;
        }
    }

    public static int NoToken()
    {
        try
        {
            EventLoop.Run(async () =>
            {
                _ = EventLoop.Current!.Spawn(SpawnedAsync, "spawned");
                await EventLoop.Yield();
                Say("ready");
                await EventLoop.Sleep(Timeout.InfiniteTimeSpan);
            });
            return 0;
        }
        catch (KeyboardInterruptException interrupted)
        {
            Say("interrupted");
            return interrupted.ExitCode;
        }
    }

    public static int Stubborn()
    {
        EventLoop.Run(async ct =>
        {
            ct.Register(() => Say("first-ctrl-c"));
            Say("ready");
            await EventLoop.Sleep(Timeout.InfiniteTimeSpan); // ignores ct
        });
        return 0;
    }

    private static async Task SpawnedAsync(CancellationToken ct)
    {
        try
        {
            await EventLoop.Sleep(Timeout.InfiniteTimeSpan, ct);
        }
        finally
        {
            Say("spawned-finally");
        }
    }

    private static void Say(string marker)
    {
        Console.Out.WriteLine(marker);
        Console.Out.Flush();
    }
}
