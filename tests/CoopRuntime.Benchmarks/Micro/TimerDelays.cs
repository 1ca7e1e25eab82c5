namespace CoopRuntime.Benchmarks.Micro;

/// <summary>
/// Random timer delays with a fixed seed, cycled through a power-of-two table: random deadlines put inserts at random
/// heap depths (a constant delay would always land at the bottom and flatter the heap), and the table lookup costs
/// next to nothing inside the measured loop.
/// </summary>
internal static class TimerDelays
{
    public const int Mask = (1 << 14) - 1;

    public static TimeSpan[] Uniform(TimeSpan max, int seed)
    {
        var random = new Random(seed);
        var delays = new TimeSpan[Mask + 1];
        for (var i = 0; i < delays.Length; i++)
        {
            delays[i] = TimeSpan.FromTicks(random.NextInt64(1, max.Ticks + 1));
        }

        return delays;
    }
}
