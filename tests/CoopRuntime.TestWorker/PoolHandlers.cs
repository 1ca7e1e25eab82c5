using CoopRuntime;

namespace CoopRuntime.TestWorker;

/// <summary>The work the ProcessPool tests send to this app's workers.</summary>
internal static class PoolHandlers
{
    public static ProcessPoolHandlers Create() => new ProcessPoolHandlers()
        .Add<int, int>("primes", CountPrimesBelow)
        .Add<string, string>("echo", text => text)
        .Add<int, int>("pid", _ => Environment.ProcessId)
        .Add<string, int>("print", text =>
        {
            Console.WriteLine(text); // must not reach the pool's protocol stream
            return text.Length;
        })
        .Add<string, int>("throw", message => throw new InvalidOperationException(message))
        .Add<int, int>("crash", code =>
        {
            Console.Error.WriteLine($"about to crash with {code}");
            Environment.Exit(code);
            return 0;
        });

    public static int CountPrimesBelow(int limit)
    {
        var count = 0;
        for (var n = 2; n < limit; n++)
        {
            var prime = true;
            for (var d = 2; d * d <= n; d++)
            {
                if (n % d == 0)
                {
                    prime = false;
                    break;
                }
            }

            if (prime)
            {
                count++;
            }
        }

        return count;
    }
}
